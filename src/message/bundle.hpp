#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::message {

/// A bundle: one email for several reminders of one addressee due at one instant (with
/// [service] bundle). It says once what is common (the greeting, the unit's calendar link,
/// the note of the Office's copy) and lists each task with its own deadline and
/// confirmation link, as body_of writes them. Its words are the templates bundle.subject,
/// bundle.text and, around them, letter.text. Pure.

/// `members` in the order a bundle lists them: by deadline, then key.
std::vector<const schedule::Reminder*> bundle_order(std::vector<const schedule::Reminder*> members);

/// The subject of a bundle of `members` (two or more) sent at `now`: how many tasks, how
/// many of them overdue, and the earliest deadline, e.g. "Nhắc việc: 2 nhiệm vụ đến hạn
/// (sớm nhất: hạn 17:00 ngày 30/10/2020)"; "[Quá hạn] " when one is overdue at `now`,
/// "[Gửi muộn] " first when one is late.
std::string bundle_subject(const config::Config& config,
                           const std::vector<const schedule::Reminder*>& members,
                           config::SysSeconds now);

/// The text of a bundle: the greeting, an opening line, each member's body numbered in
/// bundle_order, the calendar link and the note of the Office's copy once, and the footer;
/// to the named `person` of the addressee (empty: the unit), addressed by name.
std::string bundle_text(const config::Config& config,
                        const std::vector<const schedule::Reminder*>& members,
                        config::SysSeconds now, std::string_view person = {});

/// The bundle as an RFC 5322 message to `to` and `cc`, its Message-ID ids::bundle_id of the
/// members' keys, its Date `now`.
std::string render_bundle(const config::Config& config,
                          const std::vector<const schedule::Reminder*>& members,
                          const std::vector<std::string>& to, const std::vector<std::string>& cc,
                          config::SysSeconds now, std::string_view person = {});

/// The Message-ID local part of a bundle of `members`: ids::bundle_id of their keys.
std::string bundle_message_id(const std::vector<const schedule::Reminder*>& members);

}  // namespace deadlined::message
