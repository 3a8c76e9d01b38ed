#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "schedule/schedule.hpp"
#include "template/mustache.hpp"

namespace deadlined::message {

/// The names every template of a reminder sees (webhook bodies, headers and queries, the
/// message texts): `id` (dot-free, stable), `key`, `type`, `unit`, `unit_name`, `person_name`,
/// `office_name`, `task_title`, `plan_number`, `plan_title`, `due` (ISO 8601), `due_date`
/// (dd/mm/yyyy), `due_time` (HH:MM), `stage_label`, `overdue_days`, `link` (confirmation),
/// `calendar_link`, `subject`, `text`, `short_text`, and the kinds as sections
/// (`is_reminder`, `is_overdue`, `is_escalation`, `is_extension`, `is_late`).
const std::vector<std::string_view>& variable_names();
/// The same without `short_text`: what the short text's own template sees.
const std::vector<std::string_view>& short_text_names();

/// The values of variable_names() for `reminder` as sent at `now` (every count of days is
/// true then), to `person_name` (empty: the unit). Pure.
templating::Variables variables_of(const config::Config& config, const schedule::Reminder& r,
                                   config::SysSeconds now, std::string_view person_name = {});

/// The short text of a reminder (SMS, chat): the template `reminder.short.mustache` rendered
/// with `values`; it names the task, the deadline and carries the confirmation link.
std::string short_text(const templating::Variables& values);

}  // namespace deadlined::message
