#include "schedule/schedule.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "calendar/work_calendar.hpp"

namespace deadlined::schedule {
namespace {

using config::Lead;

SysSeconds local_to_sys(const config::Config& config, date::local_seconds local) {
  return config.service.zone->to_sys(local, date::choose::earliest);
}

date::local_days local_day_of(const config::Config& config, SysSeconds instant) {
  return date::floor<date::days>(config.service.zone->to_local(instant));
}

SysSeconds deadline_in(const config::Config& config, const calendar::WorkCalendar& calendar,
                       const config::Task& task) {
  const config::DueSpec& due = task.due;
  switch (due.kind) {
    case config::DueSpec::Kind::offset_datetime:
      return due.instant;
    case config::DueSpec::Kind::local_datetime:
      return local_to_sys(config, due.local_time);
    case config::DueSpec::Kind::date: {
      date::local_days day = due.day;
      if (task.move_off_non_working_day && !calendar.is_working_day(day)) {
        day = calendar.next_working_day(day);
      }
      return local_to_sys(config, day + config.service.day_end);
    }
    case config::DueSpec::Kind::before:
      return local_to_sys(config, calendar.previous_working_day(due.day) + config.service.day_end);
  }
  return due.instant;
}

/// When a lead's reminder goes out for a deadline.
SysSeconds reminder_time(const config::Config& config, const calendar::WorkCalendar& calendar,
                         const Lead& lead, SysSeconds due) {
  if (lead.kind == Lead::Kind::exact) return due - std::chrono::seconds{lead.amount};
  date::local_days due_day = local_day_of(config, due);
  date::local_days day =
      lead.kind == Lead::Kind::calendar_days
          ? calendar.on_or_before(due_day - date::days{lead.amount})
          : calendar.working_days_before(due_day, static_cast<long>(lead.amount));
  return local_to_sys(config, day + config.service.send_time);
}

void add_task_reminders(const config::Config& config, const calendar::WorkCalendar& calendar,
                        const config::Plan& plan, const config::Task& task,
                        std::vector<Reminder>& out) {
  SysSeconds due = deadline_in(config, calendar, task);
  std::string occurrence = occurrence_id(local_day_of(config, due));
  std::vector<std::pair<SysSeconds, const Lead*>> stages;
  for (const Lead& lead : task.leads) {
    SysSeconds at = reminder_time(config, calendar, lead, due);
    if (at > due) continue;
    bool same_instant =
        std::any_of(stages.begin(), stages.end(), [&](const auto& s) { return s.first == at; });
    if (!same_instant) stages.emplace_back(at, &lead);
  }
  auto add_units = [&](const std::vector<std::string>& ids, Role role) {
    for (const std::string& id : ids) {
      const config::Unit* unit = config.find_unit(id);
      if (role == Role::coordinating && std::find(task.responsible.begin(), task.responsible.end(),
                                                  id) != task.responsible.end()) {
        continue;
      }
      for (const auto& [at, lead] : stages) {
        Reminder r;
        r.plan = &plan;
        r.task = &task;
        r.unit = unit;
        r.lead = lead;
        r.role = role;
        r.at = at;
        r.due = due;
        r.occurrence = occurrence;
        out.push_back(std::move(r));
      }
    }
  };
  add_units(task.responsible, Role::responsible);
  add_units(task.coordinating, Role::coordinating);
}

void sort_by_time(std::vector<Reminder>& reminders) {
  std::sort(reminders.begin(), reminders.end(), [](const Reminder& a, const Reminder& b) {
    if (a.at != b.at) return a.at < b.at;
    return a.key() < b.key();
  });
}

}  // namespace

calendar::WorkCalendar calendar_of(const config::Config& config) {
  return calendar::WorkCalendar(config.service.workdays, config.service.vietnam_holidays,
                                config.service.decisions);
}

std::string Reminder::key() const {
  return plan->id + '.' + task->id + '.' + occurrence + '.' + lead->text + '.' + unit->id;
}

std::string occurrence_id(date::local_days day) {
  return date::format("%Y%m%d", day);
}

SysSeconds deadline_of(const config::Config& config, const config::Task& task) {
  return deadline_in(config, calendar_of(config), task);
}

std::vector<Reminder> all_reminders(const config::Config& config) {
  const calendar::WorkCalendar calendar = calendar_of(config);
  std::vector<Reminder> out;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks)
      add_task_reminders(config, calendar, plan, task, out);
  }
  sort_by_time(out);
  return out;
}

std::vector<Reminder> reminders_between(const config::Config& config, SysSeconds from,
                                        SysSeconds to) {
  std::vector<Reminder> all = all_reminders(config);
  std::vector<Reminder> out;
  for (Reminder& r : all) {
    if (r.at >= from && r.at < to) out.push_back(std::move(r));
  }
  return out;
}

Agenda agenda_at(const config::Config& config, SysSeconds now, std::chrono::seconds grace) {
  using Id = std::tuple<const config::Task*, std::string, const config::Unit*>;
  auto keep_latest = [](std::map<Id, Reminder>& latest, Reminder r) {
    auto id = std::make_tuple(r.task, r.occurrence, r.unit);
    auto it = latest.find(id);
    if (it == latest.end()) {
      latest.emplace(id, std::move(r));
    } else if (it->second.at <= r.at) {
      it->second = std::move(r);
    }
  };
  Agenda agenda;
  std::map<Id, Reminder> latest_passed;
  std::map<Id, Reminder> latest_past_deadline;
  for (Reminder& r : all_reminders(config)) {
    if (r.at > now) {
      agenda.upcoming.push_back(std::move(r));
    } else if (r.due > now) {
      keep_latest(latest_passed, std::move(r));
    } else if (r.due + config.service.give_up_after > now) {
      keep_latest(latest_past_deadline, std::move(r));
    }
  }
  for (auto& [id, r] : latest_passed) {
    r.late = now - r.at > grace;
    agenda.catch_up.push_back(std::move(r));
  }
  for (auto& [id, r] : latest_past_deadline) {
    r.late = true;
    agenda.past_deadline.push_back(std::move(r));
  }
  sort_by_time(agenda.catch_up);
  sort_by_time(agenda.past_deadline);
  return agenda;
}

}  // namespace deadlined::schedule
