#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "config/config.hpp"
#include "ids/ids.hpp"
#include "journal/journal.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// When the Office's next digest is due after `now`: digest_time of the next working day, or,
/// unless `after_today`, of today while the working day has not ended (a digest missed while
/// the daemon was stopped goes out when it starts, that same day). Pure.
SysSeconds next_digest(const config::Config& config, SysSeconds now, bool after_today);

/// The latest confirmation entry of an assignment, as the journal holds it.
using LatestConfirmation =
    std::function<std::optional<journal::Confirmation>(const ids::AssignmentId&)>;

/// What the digest at `now` reports: each open occurrence with its responsible units and
/// whether (and when) each has confirmed.
std::vector<message::DigestItem> digest_items(const config::Config& config, SysSeconds now,
                                              const LatestConfirmation& latest);

}  // namespace deadlined::scheduler
