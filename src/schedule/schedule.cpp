#include "schedule/schedule.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <tuple>

#include "calendar/work_calendar.hpp"
#include "schedule/assignment.hpp"
#include "schedule/chase.hpp"
#include "schedule/occurrence.hpp"
#include "util/parallel.hpp"

namespace deadlined::schedule {
namespace {

using config::Lead;

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

/// The instants of the stages of a deadline: one per lead, in the order of the leads, without
/// those after the deadline or at the instant of an earlier lead.
using Stages = std::vector<std::pair<SysSeconds, const Lead*>>;
Stages stages_of(const config::Config& config, const calendar::WorkCalendar& calendar,
                 const config::Task& task, SysSeconds due) {
  // How far ahead a day lead reaches as written: a working day spans at least a calendar
  // day, so "7wd" reaches further than "7d". Exact leads ("2h") stay exact.
  auto reach = [](const Lead& lead) {
    return 2 * lead.amount + (lead.kind == Lead::Kind::working_days ? 1 : 0);
  };
  std::vector<SysSeconds> times;
  times.reserve(task.leads.size());
  for (const Lead& lead : task.leads)
    times.push_back(reminder_time(config, calendar, lead, due));
  Stages stages;
  stages.reserve(task.leads.size());
  for (std::size_t i = 0; i < task.leads.size(); ++i) {
    const Lead& lead = task.leads[i];
    // A longer lead never goes out after a shorter one of the same deadline (around Tết a
    // "7d" moved back to a working day can fall after "3wd"): it goes with the shorter.
    SysSeconds at = times[i];
    for (std::size_t j = 0; j < task.leads.size() && lead.kind != Lead::Kind::exact; ++j) {
      const Lead& other = task.leads[j];
      if (other.kind != Lead::Kind::exact && reach(other) < reach(lead))
        at = std::min(at, times[j]);
    }
    if (at > due) continue;
    bool same_instant =
        std::any_of(stages.begin(), stages.end(), [&](const auto& s) { return s.first == at; });
    if (!same_instant) stages.emplace_back(at, &lead);
  }
  return stages;
}

/// When the first message of an occurrence goes out: its earliest stage, or its deadline
/// (the chase begins at or after it). The earliest `at` of occurrence_reminders, without
/// making them.
SysSeconds first_stage(const config::Config& config, const calendar::WorkCalendar& calendar,
                       const config::Task& task, SysSeconds due) {
  SysSeconds first = due;
  for (const auto& stage : stages_of(config, calendar, task, due))
    first = std::min(first, stage.first);
  return first;
}

/// The reminders of one occurrence of a task on its own deadline.
std::vector<Reminder> own_reminders(const config::Config& config,
                                    const calendar::WorkCalendar& calendar,
                                    const config::Plan& plan, const config::Task& task,
                                    const Occurrence& occurrence) {
  std::vector<Reminder> out;
  SysSeconds due = occurrence.due;
  const Stages stages = stages_of(config, calendar, task, due);
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
        r.stage = lead->text;
        r.role = role;
        r.at = at;
        r.due = due;
        r.until = due;
        r.exact = lead->kind == Lead::Kind::exact;
        r.occurrence = occurrence.id;
        r.occurrence_name = occurrence.name;
        out.push_back(std::move(r));
      }
    }
  };
  add_units(task.responsible, Role::responsible);
  add_units(task.coordinating, Role::coordinating);
  add_chase(config, calendar, plan, task, occurrence, out);
  return out;
}

/// The reminders of one occurrence of a task: of each unit with an extension, those of its
/// deadline in force, keyed apart (extended_stage), from the approval on.
std::vector<Reminder> occurrence_reminders(const config::Config& config,
                                           const calendar::WorkCalendar& calendar,
                                           const config::Plan& plan, const config::Task& task,
                                           const Occurrence& occurrence,
                                           const Extensions& extensions) {
  std::vector<Reminder> out = own_reminders(config, calendar, plan, task, occurrence);
  if (!extensions.any_in_force() ||
      extensions.latest_deadline(plan.id, task.id, occurrence.id, occurrence.due) == occurrence.due)
    return out;
  for (const auto* units : {&task.responsible, &task.coordinating}) {
    for (const std::string& unit : *units) {
      const Extension* x = extensions.find({plan.id, task.id, occurrence.id, unit});
      if (!x) continue;
      std::erase_if(out, [&](const Reminder& r) { return r.unit->id == unit; });
      Occurrence moved = occurrence;
      moved.due = x->due;
      for (Reminder& r : own_reminders(config, calendar, plan, task, moved)) {
        if (r.unit->id != unit || r.at < x->granted) continue;
        r.stage = extended_stage(*x, r.stage);
        r.original_due = occurrence.due;
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

/// By time, then by the parts of the key (without building the key strings: sorting 400k
/// reminders by key() made millions of allocations).
void sort_by_time(std::vector<Reminder>& reminders) {
  auto parts = [](const Reminder& r) {
    return std::tie(r.at, r.plan->id, r.task->id, r.occurrence, r.stage, r.unit->id);
  };
  std::sort(reminders.begin(), reminders.end(),
            [&](const Reminder& a, const Reminder& b) { return parts(a) < parts(b); });
}

/// Puts each list of an agenda in its order.
void sort_agenda(Agenda& agenda) {
  sort_by_time(agenda.upcoming);
  sort_by_time(agenda.catch_up);
  sort_by_time(agenda.past_deadline);
  // Ties in the order of the config, whatever order the parts were built in.
  std::sort(agenda.later.begin(), agenda.later.end(), [](const Pending& a, const Pending& b) {
    std::less<const void*> before;
    if (a.at != b.at) return a.at < b.at;
    if (a.plan != b.plan) return before(a.plan, b.plan);
    if (a.task != b.task) return before(a.task, b.task);
    return a.index < b.index;
  });
}

}  // namespace

const calendar::WorkCalendar& calendar_of(const config::Config& config) {
  return *config.calendar;
}

ids::AssignmentId Reminder::assignment() const {
  return {plan->id, task->id, occurrence, unit->id};
}

ids::ReminderKey Reminder::id() const {
  return {assignment(), stage};
}

SysSeconds deadline_of(const config::Config& config, const config::Task& task) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
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
                                        SysSeconds to, const Extensions& extensions) {
  return reminders_between(
      config, from, to, [](const config::Plan&, const config::Task&) { return true; }, extensions);
}

std::vector<Reminder> reminders_between(
    const config::Config& config, SysSeconds from, SysSeconds to,
    const std::function<bool(const config::Plan&, const config::Task&)>& keep,
    const Extensions& extensions) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  std::vector<Reminder> out;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      if (!keep(plan, task)) continue;
      Occurrences occurrences(config, calendar, plan, task);
      SysSeconds start = from - extensions.reach();
      if (task.chase.enabled) start -= chase_look_back(task.chase);
      for (auto o = occurrences.first_due_from(start); o; o = occurrences.at(o->index + 1)) {
        if (first_stage(config, calendar, task, o->due) >= to) break;
        for (Reminder& r : occurrence_reminders(config, calendar, plan, task, *o, extensions)) {
          if (r.at >= from && r.at < to) out.push_back(std::move(r));
        }
      }
    }
  }
  for (Reminder& r : decision_notices(config, extensions))
    if (r.at >= from && r.at < to && keep(*r.plan, *r.task)) out.push_back(std::move(r));
  sort_by_time(out);
  return out;
}

std::vector<OpenOccurrence> open_occurrences(const config::Config& config, SysSeconds now,
                                             const Extensions& extensions) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  const date::local_days today = local_day_of(config, now);
  std::vector<OpenOccurrence> out;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      const config::Chase& chase = task.chase;
      Occurrences occurrences(config, calendar, plan, task);
      SysSeconds from = now - chase_look_back(chase) - extensions.reach();
      for (auto o = occurrences.first_due_from(from); o; o = occurrences.at(o->index + 1)) {
        if (first_stage(config, calendar, task, o->due) > now) break;
        date::local_days due_day = local_day_of(config, o->due);
        SysSeconds latest = extensions.latest_deadline(plan.id, task.id, o->id, o->due);
        if (now <= chase_end(config, calendar, task, latest)) {
          OpenOccurrence open{&plan, &task, o->id, o->name, o->due, now > o->due, 0};
          if (open.overdue)
            open.overdue_days = static_cast<int>(calendar.working_days_after(due_day, today));
          out.push_back(std::move(open));
        }
        if (!occurrences.recurring()) break;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const OpenOccurrence& a, const OpenOccurrence& b) {
    return a.plan != b.plan ? a.plan->id < b.plan->id : a.due < b.due;
  });
  return out;
}

std::vector<OpenOccurrence> occurrences_due(const config::Config& config, SysSeconds from,
                                            SysSeconds to, SysSeconds now) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  const date::local_days today = local_day_of(config, now);
  std::vector<OpenOccurrence> out;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      Occurrences occurrences(config, calendar, plan, task);
      for (auto o = occurrences.first_due_from(from); o && o->due < to;
           o = occurrences.at(o->index + 1)) {
        OpenOccurrence entry{&plan, &task, o->id, o->name, o->due, now > o->due, 0};
        if (entry.overdue)
          entry.overdue_days =
              static_cast<int>(calendar.working_days_after(local_day_of(config, o->due), today));
        out.push_back(std::move(entry));
        if (!occurrences.recurring()) break;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const OpenOccurrence& a, const OpenOccurrence& b) {
    return a.plan != b.plan ? a.plan->id < b.plan->id : a.due < b.due;
  });
  return out;
}

namespace {

/// Sorts the reminders of occurrences into an Agenda at `now`.
class AgendaBuilder {
 public:
  AgendaBuilder(const config::Config& config, const calendar::WorkCalendar& calendar,
                SysSeconds now, std::chrono::seconds grace, const Extensions& extensions)
      : config_(config), calendar_(calendar), now_(now), grace_(grace), extensions_(extensions) {}

  /// Adds `first` and the occurrences after it that have begun (their first stage is not
  /// after now); the next one, wholly in the future, becomes pending: its reminders are made
  /// when its first stage comes, so a task in the future costs one small entry.
  /// With `begun`, `first` is made whatever the time of its first stage (it is a pending
  /// occurrence whose time has come).
  void add(const config::Plan& plan, const config::Task& task, const Occurrences& occurrences,
           std::optional<Occurrence> first, bool begun = false) {
    for (auto o = std::move(first); o; begun = false) {
      SysSeconds first_at = first_stage(config_, calendar_, task, o->due);
      if (first_at > now_ && !begun) {
        agenda_.later.push_back({&plan, &task, o->index, first_at});
        return;
      }
      for (Reminder& r : occurrence_reminders(config_, calendar_, plan, task, *o, extensions_))
        add(std::move(r));
      if (!occurrences.recurring()) return;
      o = occurrences.at(o->index + 1);
    }
  }

  /// The agenda, each list in its order.
  Agenda finish() {
    Agenda agenda = take();
    sort_agenda(agenda);
    return agenda;
  }

  /// The agenda, its lists in no particular order (for merging with other parts).
  Agenda take() {
    // (The notices of decisions are added by agenda_at, once.)
    for (auto& [id, r] : latest_passed_) {
      r.late = now_ - r.at > grace_;
      agenda_.catch_up.push_back(std::move(r));
    }
    for (auto& [id, r] : latest_past_deadline_) {
      r.late = true;
      agenda_.past_deadline.push_back(std::move(r));
    }
    return std::move(agenda_);
  }

  /// Adds one reminder: upcoming, the latest passed of its part, or past its deadline.
  void add(Reminder r) {
    if (r.at > now_) {
      agenda_.upcoming.push_back(std::move(r));
    } else if (r.until > now_) {
      keep_latest(latest_passed_, std::move(r));
    } else if (r.until + config_.service.give_up_after > now_) {
      keep_latest(latest_past_deadline_, std::move(r));
    }
  }

 private:
  using Id = std::tuple<const config::Task*, std::string, const config::Unit*, Reminder::Kind,
                        const config::Unit*>;

  static void keep_latest(std::map<Id, Reminder>& latest, Reminder r) {
    auto id = std::make_tuple(r.task, r.occurrence, r.unit, r.kind, r.recipient);
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
  const Extensions& extensions_;
  Agenda agenda_;
  std::map<Id, Reminder> latest_passed_;
  std::map<Id, Reminder> latest_past_deadline_;
};

}  // namespace

Agenda agenda_at(const config::Config& config, SysSeconds now, std::chrono::seconds grace,
                 const Extensions& extensions) {
  // Occurrences whose deadline passed more than give_up_after ago (and, when chased, the
  // chase too, counted generously in calendar days; and the longest extension) have nothing
  // left to do.
  SysSeconds horizon =
      now - config.service.give_up_after + std::chrono::seconds{1} - extensions.reach();
  // Tasks are independent: each core builds the agenda of every n-th plan, all on the
  // config's one calendar, and the parts are merged.
  std::size_t n = util::threads_for(config.plans.size());
  std::vector<Agenda> parts(n);
  util::parallel_for(n, [&](std::size_t part) {
    const calendar::WorkCalendar& calendar = calendar_of(config);
    AgendaBuilder builder(config, calendar, now, grace, extensions);
    if (part == 0) {
      for (Reminder& r : decision_notices(config, extensions))
        builder.add(std::move(r));
    }
    for (std::size_t p = part; p < config.plans.size(); p += n) {
      const config::Plan& plan = config.plans[p];
      for (const config::Task& task : plan.tasks) {
        SysSeconds from = horizon;
        if (task.chase.enabled) from -= chase_look_back(task.chase);
        Occurrences occurrences(config, calendar, plan, task);
        builder.add(plan, task, occurrences, occurrences.first_due_from(from));
      }
    }
    parts[part] = builder.take();
  });
  if (parts.empty()) return {};
  // Merged unsorted, then sorted once.
  Agenda agenda = std::move(parts.front());
  auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  for (std::size_t i = 1; i < parts.size(); ++i) {
    append(agenda.catch_up, parts[i].catch_up);
    append(agenda.upcoming, parts[i].upcoming);
    append(agenda.past_deadline, parts[i].past_deadline);
    append(agenda.later, parts[i].later);
  }
  sort_agenda(agenda);
  return agenda;
}

Agenda agenda_of(const config::Config& config, const Pending& pending,
                 const Extensions& extensions) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  // As computed just before the first stage: every stage is upcoming, even one at the
  // deadline itself or one whose time has passed while the daemon was busy.
  AgendaBuilder builder(config, calendar, pending.at - std::chrono::seconds{1},
                        std::chrono::seconds{0}, extensions);
  Occurrences occurrences(config, calendar, *pending.plan, *pending.task);
  builder.add(*pending.plan, *pending.task, occurrences, occurrences.at(pending.index), true);
  return builder.finish();
}

std::vector<Reminder> reminders_of(const config::Config& config, const Pending& pending,
                                   const Extensions& extensions) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  Occurrences occurrences(config, calendar, *pending.plan, *pending.task);
  auto occurrence = occurrences.at(pending.index);
  if (!occurrence) return {};
  auto reminders =
      occurrence_reminders(config, calendar, *pending.plan, *pending.task, *occurrence, extensions);
  sort_by_time(reminders);
  return reminders;
}

}  // namespace deadlined::schedule
