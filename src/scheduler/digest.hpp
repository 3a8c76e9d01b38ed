#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "ids/ids.hpp"
#include "journal/store.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// When the Office's next digest is due after `now`: digest_time of the next working day, or,
/// unless `after_today`, of today while its working day has not ended (a digest missed while
/// the daemon was stopped goes out when it starts, within office hours of that same day; one
/// started at night, or on a day off, waits for the next working morning's). Pure.
SysSeconds next_digest(const config::Config& config, SysSeconds now, bool after_today);

/// Whether a digest tick at `now` may send: on a working day, from digest_time until day_end
/// (a digest_time after day_end: within the hour after it). A tick that fires outside, after a
/// suspend or a clock step, sends nothing: the next working morning's digest reports.
bool digest_on_time(const config::Config& config, SysSeconds now);

/// The latest confirmation entry of an assignment, as the journal holds it.
using LatestConfirmation =
    std::function<std::optional<journal::Confirmation>(const ids::AssignmentId&)>;

/// What the digest at `now` reports: each open occurrence with its responsible units and
/// whether (and when) each has confirmed.
/// A unit's part extended has its deadline in force (`extensions`).
std::vector<message::DigestItem> digest_items(const config::Config& config, SysSeconds now,
                                              const schedule::Extensions& extensions,
                                              const LatestConfirmation& latest);

}  // namespace deadlined::scheduler
