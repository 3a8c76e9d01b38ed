#include "schedule/schedule.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "calendar/work_calendar.hpp"
#include "schedule/occurrence.hpp"

namespace deadlined::schedule {
namespace {

using config::Lead;

SysSeconds local_to_sys(const config::Config& config, date::local_seconds local) {
  return config.service.zone->to_sys(local, date::choose::earliest);
}

date::local_days local_day_of(const config::Config& config, SysSeconds instant) {
  return date::floor<date::days>(config.service.zone->to_local(instant));
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

/// The reminders of one occurrence of a task.
std::vector<Reminder> occurrence_reminders(const config::Config& config,
                                           const calendar::WorkCalendar& calendar,
                                           const config::Plan& plan, const config::Task& task,
                                           const Occurrence& occurrence) {
  std::vector<Reminder> out;
  SysSeconds due = occurrence.due;
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
        r.occurrence = occurrence.id;
        r.occurrence_name = occurrence.name;
        out.push_back(std::move(r));
      }
    }
  };
  add_units(task.responsible, Role::responsible);
  add_units(task.coordinating, Role::coordinating);
  return out;
}

/// When the first reminder of an occurrence goes out (its deadline when it has none).
SysSeconds first_stage(const std::vector<Reminder>& reminders, SysSeconds due) {
  SysSeconds first = due;
  for (const Reminder& r : reminders)
    first = std::min(first, r.at);
  return first;
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
  const calendar::WorkCalendar calendar = calendar_of(config);
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& candidate : plan.tasks) {
      if (&candidate != &task) continue;
      Occurrences occurrences(config, calendar, plan, task);
      if (auto first = occurrences.first_due_from(SysSeconds{})) return first->due;
    }
  }
  return SysSeconds{};
}

std::vector<Reminder> reminders_between(const config::Config& config, SysSeconds from,
                                        SysSeconds to) {
  const calendar::WorkCalendar calendar = calendar_of(config);
  std::vector<Reminder> out;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      Occurrences occurrences(config, calendar, plan, task);
      for (auto o = occurrences.first_due_from(from); o; o = occurrences.at(o->index + 1)) {
        auto reminders = occurrence_reminders(config, calendar, plan, task, *o);
        for (Reminder& r : reminders) {
          if (r.at >= from && r.at < to) out.push_back(std::move(r));
        }
        if (first_stage(reminders, o->due) >= to) break;
      }
    }
  }
  sort_by_time(out);
  return out;
}

namespace {

/// Sorts the reminders of occurrences into an Agenda at `now`.
class AgendaBuilder {
 public:
  AgendaBuilder(const config::Config& config, const calendar::WorkCalendar& calendar,
                SysSeconds now, std::chrono::seconds grace)
      : config_(config), calendar_(calendar), now_(now), grace_(grace) {}

  /// Adds `first` and the occurrences after it up to the first wholly in the future; the
  /// one after that becomes pending.
  void add(const config::Plan& plan, const config::Task& task, const Occurrences& occurrences,
           std::optional<Occurrence> first) {
    for (auto o = std::move(first); o;) {
      auto reminders = occurrence_reminders(config_, calendar_, plan, task, *o);
      SysSeconds first_at = first_stage(reminders, o->due);
      for (Reminder& r : reminders)
        add(std::move(r));
      if (!occurrences.recurring()) return;
      auto next = occurrences.at(o->index + 1);
      if (first_at > now_) {
        if (next) {
          auto next_reminders = occurrence_reminders(config_, calendar_, plan, task, *next);
          agenda_.later.push_back(
              {&plan, &task, next->index, first_stage(next_reminders, next->due)});
        }
        return;
      }
      o = std::move(next);
    }
  }

  Agenda finish() {
    for (auto& [id, r] : latest_passed_) {
      r.late = now_ - r.at > grace_;
      agenda_.catch_up.push_back(std::move(r));
    }
    for (auto& [id, r] : latest_past_deadline_) {
      r.late = true;
      agenda_.past_deadline.push_back(std::move(r));
    }
    sort_by_time(agenda_.upcoming);
    sort_by_time(agenda_.catch_up);
    sort_by_time(agenda_.past_deadline);
    std::sort(agenda_.later.begin(), agenda_.later.end(),
              [](const Pending& a, const Pending& b) { return a.at < b.at; });
    return std::move(agenda_);
  }

 private:
  using Id = std::tuple<const config::Task*, std::string, const config::Unit*>;

  void add(Reminder r) {
    if (r.at > now_) {
      agenda_.upcoming.push_back(std::move(r));
    } else if (r.due > now_) {
      keep_latest(latest_passed_, std::move(r));
    } else if (r.due + config_.service.give_up_after > now_) {
      keep_latest(latest_past_deadline_, std::move(r));
    }
  }

  static void keep_latest(std::map<Id, Reminder>& latest, Reminder r) {
    auto id = std::make_tuple(r.task, r.occurrence, r.unit);
    auto it = latest.find(id);
    if (it == latest.end()) {
      latest.emplace(id, std::move(r));
    } else if (it->second.at <= r.at) {
      it->second = std::move(r);
    }
  }

  const config::Config& config_;
  const calendar::WorkCalendar& calendar_;
  SysSeconds now_;
  std::chrono::seconds grace_;
  Agenda agenda_;
  std::map<Id, Reminder> latest_passed_;
  std::map<Id, Reminder> latest_past_deadline_;
};

}  // namespace

Agenda agenda_at(const config::Config& config, SysSeconds now, std::chrono::seconds grace) {
  const calendar::WorkCalendar calendar = calendar_of(config);
  AgendaBuilder builder(config, calendar, now, grace);
  // Occurrences whose deadline passed more than give_up_after ago have nothing left to do.
  SysSeconds horizon = now - config.service.give_up_after + std::chrono::seconds{1};
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      Occurrences occurrences(config, calendar, plan, task);
      builder.add(plan, task, occurrences, occurrences.first_due_from(horizon));
    }
  }
  return builder.finish();
}

Agenda agenda_of(const config::Config& config, const Pending& pending, SysSeconds now,
                 std::chrono::seconds grace) {
  const calendar::WorkCalendar calendar = calendar_of(config);
  AgendaBuilder builder(config, calendar, now, grace);
  Occurrences occurrences(config, calendar, *pending.plan, *pending.task);
  builder.add(*pending.plan, *pending.task, occurrences, occurrences.at(pending.index));
  return builder.finish();
}

}  // namespace deadlined::schedule
