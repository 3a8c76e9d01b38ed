#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "schedule/schedule.hpp"
#include "template/mustache.hpp"

namespace deadlined::message {

/// The values of templating::reminder_names() for `reminder` as sent at `now` (every count of days
/// is true then), to `person_name` (empty: the unit). Pure.
templating::Variables variables_of(const config::Config& config, const schedule::Reminder& r,
                                   config::SysSeconds now, std::string_view person_name = {});

/// The short text of a reminder (SMS, chat): the template `reminder.short.mustache` rendered
/// with `values`; it names the task, the deadline and carries the confirmation link.
std::string short_text(const templating::Variables& values);

/// The HTML part of a reminder's email: `reminder.html.mustache` rendered with `values`.
std::string html_of(const templating::Variables& values);

}  // namespace deadlined::message
