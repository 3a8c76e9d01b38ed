#include "schedule/chase.hpp"

#include <algorithm>

namespace deadlined::schedule {

SysSeconds local_to_sys(const config::Config& config, date::local_seconds local) {
  return config.service.zone->to_sys(local, date::choose::earliest);
}

date::local_days local_day_of(const config::Config& config, SysSeconds instant) {
  return date::floor<date::days>(config.service.zone->to_local(instant));
}

bool in_office_hours(const config::Config& config, SysSeconds t) {
  const auto local = config.service.zone->to_local(t);
  const date::local_days day = date::floor<date::days>(local);
  const auto time = local - day;
  return config.calendar->is_working_day(day) && time >= config.service.send_time &&
         time < config.service.day_end;
}

SysSeconds office_time(const config::Config& config, SysSeconds t) {
  const calendar::WorkCalendar& calendar = *config.calendar;
  const auto local = config.service.zone->to_local(t);
  const date::local_days day = date::floor<date::days>(local);
  const auto time = local - day;
  if (calendar.is_working_day(day)) {
    if (time < config.service.send_time)
      return local_to_sys(config, day + config.service.send_time);
    if (time < config.service.day_end) return t;
  }
  return local_to_sys(config, calendar.next_working_day(day) + config.service.send_time);
}

SysSeconds chase_end(const config::Config& config, const calendar::WorkCalendar& calendar,
                     const config::Task& task, SysSeconds due) {
  date::local_days last = local_day_of(config, due);
  for (int i = 0; i < task.chase.until; ++i)
    last = calendar.next_working_day(last);
  return local_to_sys(config, last + config.service.day_end);
}

std::chrono::seconds chase_look_back(const config::Chase& chase) {
  // `until` working days span at most about twice as many calendar days, and Tết adds up to
  // three weeks of days off.
  return chase.delay + date::days{2 * chase.until + 21};
}

void add_chase(const config::Config& config, const calendar::WorkCalendar& calendar,
               const config::Plan& plan, const config::Task& task, const Occurrence& occurrence,
               std::vector<Reminder>& out) {
  const config::Chase& chase = task.chase;
  if (!chase.enabled) return;
  const SysSeconds due = occurrence.due;
  const date::local_days due_day = local_day_of(config, due);
  auto morning = [&](date::local_days day) {
    return local_to_sys(config, day + config.service.send_time);
  };
  auto working_day_after = [&](date::local_days day, int n) {
    for (int i = 0; i < n; ++i)
      day = calendar.next_working_day(day);
    return day;
  };
  const SysSeconds last = chase_end(config, calendar, task, due);
  auto overdue_days = [&](SysSeconds at) {
    return static_cast<int>(calendar.working_days_after(due_day, local_day_of(config, at)));
  };
  // Never on the deadline's own day: a unit that misses a 17:00 deadline hears of it the next
  // working morning, or the first one at or after the deadline plus the delay.
  const SysSeconds earliest = due + chase.delay;
  date::local_days day =
      calendar.next_working_day(std::max(due_day, local_day_of(config, earliest) - date::days{1}));
  while (morning(day) < earliest)
    day = calendar.next_working_day(day);
  std::vector<SysSeconds> notices;
  for (int n = 0; n < chase.notices && morning(day) <= last; ++n) {
    notices.push_back(morning(day));
    if (chase.every <= 0) break;
    day = working_day_after(day, chase.every);
  }
  SysSeconds escalation{};
  if (chase.escalate_after > 0 && chase.escalate_after <= chase.until)
    escalation = morning(working_day_after(due_day, chase.escalate_after));
  auto make = [&](Reminder::Kind kind, const config::Unit* unit, SysSeconds at) {
    Reminder r;
    r.kind = kind;
    r.plan = &plan;
    r.task = &task;
    r.unit = unit;
    r.at = at;
    r.due = due;
    r.until = last;
    r.overdue_days = overdue_days(at);
    r.occurrence = occurrence.id;
    r.occurrence_name = occurrence.name;
    return r;
  };
  for (const std::string& id : task.responsible) {
    const config::Unit* unit = config.find_unit(id);
    for (std::size_t i = 0; i < notices.size(); ++i) {
      Reminder r = make(Reminder::Kind::overdue, unit, notices[i]);
      r.stage = "overdue-" + std::to_string(i + 1);
      if (i + 1 < notices.size()) r.until = notices[i + 1];
      out.push_back(std::move(r));
    }
    if (escalation == SysSeconds{}) continue;
    for (const std::string& leader : chase.escalate_to) {
      Reminder r = make(Reminder::Kind::escalation, unit, escalation);
      r.recipient = config.find_unit(leader);
      r.stage = "escalate-" + leader;
      out.push_back(std::move(r));
    }
  }
}

std::optional<SysSeconds> catch_up_time(const config::Config& config, const Reminder& reminder,
                                        SysSeconds now) {
  if (reminder.exact || in_office_hours(config, now)) return now;
  const SysSeconds morning = office_time(config, now);
  if (morning < reminder.until) return morning;
  // A reminder still reaches the unit before its deadline; a notice by then obsolete does not
  // go: the next one, or nothing once the chase is over.
  if (reminder.kind == Reminder::Kind::reminder) return now;
  return std::nullopt;
}

}  // namespace deadlined::schedule
