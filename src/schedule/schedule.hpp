#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "config/config.hpp"
#include "ids/ids.hpp"
#include "schedule/extension.hpp"

namespace deadlined::schedule {

using config::SysSeconds;

/// Why a unit is reminded: it carries out the task (thực hiện) or coordinates (phối hợp).
enum class Role { responsible, coordinating };

/// One reminder to one unit at one stage of one task occurrence. Points into the Config it
/// was computed from, which must outlive it.
struct Reminder {
  /// A reminder before the deadline; an overdue notice to the unit after it; an escalation
  /// about the unit to a leadership unit; the Office's decision on an extension, to the unit.
  enum class Kind { reminder, overdue, escalation, extension };
  Kind kind = Kind::reminder;
  const config::Plan* plan = nullptr;
  const config::Task* task = nullptr;
  const config::Unit* unit = nullptr;       ///< the unit whose part it is
  const config::Unit* recipient = nullptr;  ///< escalation: the leadership unit; else null
  std::string stage;  ///< the lead ("3wd"), "overdue-N" or "escalate-UNIT": part of the key
  Role role = Role::responsible;
  SysSeconds at{};   ///< when it is to be sent
  SysSeconds due{};  ///< the deadline instant in force (an extension's)
  /// The occurrence's own deadline, when an extension moved the unit's (`due`).
  std::optional<SysSeconds> original_due;
  /// Of the notice of a decision on an extension (Kind::extension): the decision.
  std::shared_ptr<const ExtensionDecision> decision;
  SysSeconds until{};           ///< obsolete after this: the deadline, or the next overdue notice
  int overdue_days = 0;         ///< working days past the deadline, for overdue and escalation
  std::string occurrence;       ///< a one-off task's due day (YYYYMMDD), or the period's id
  std::string occurrence_name;  ///< the period's name ("tháng 8/2026"); empty for one-off tasks
  bool late = false;            ///< sent after its time because the daemon was not running
  bool exact = false;  ///< of an exact-time lead ("2h"): sent at its instant, office hours or not

  /// Who receives it: the recipient of an escalation, else the unit.
  const config::Unit& addressee() const { return recipient ? *recipient : *unit; }

  /// The unit's part in the occurrence this reminds of.
  ids::AssignmentId assignment() const;
  /// The stable idempotency key.
  ids::ReminderKey id() const;
  /// id() as text: plan.task.occurrence.stage.unit.
  std::string key() const { return id().to_string(); }
};

/// The deadline instant of a one-off task in the service time zone (see DESIGN: a date-only
/// deadline ends at day_end; `before` X ends at day_end of the last working day before X);
/// of a recurring task, that of its first occurrence. `task` must belong to `config`.
SysSeconds deadline_of(const config::Config& config, const config::Task& task);

/// The reminders with `from <= at < to`, ordered by time, then plan, task, occurrence,
/// stage and unit. Stages that would fall
/// after the deadline are dropped; stages of one unit that fall on the same instant are sent
/// once. Recurring tasks contribute the occurrences that fall in the window.
std::vector<Reminder> reminders_between(const config::Config& config, SysSeconds from,
                                        SysSeconds to,
                                        const Extensions& extensions = Extensions::none());
/// The same, of the tasks `keep` accepts only (the desk's filter: a plan, a unit).
std::vector<Reminder> reminders_between(
    const config::Config& config, SysSeconds from, SysSeconds to,
    const std::function<bool(const config::Plan&, const config::Task&)>& keep,
    const Extensions& extensions = Extensions::none());

/// The notice of each decision of `extensions` to its unit: a reminder of Kind::extension at
/// the decision, sent at once (exact), obsolete a week later (extension.cpp).
std::vector<Reminder> decision_notices(const config::Config& config, const Extensions& extensions);

/// An occurrence of a task whose reminders are not computed yet, and when they must be.
struct Pending {
  const config::Plan* plan = nullptr;
  const config::Task* task = nullptr;
  long index = 0;
  SysSeconds at{};  ///< its first stage
};

/// What the daemon must do when it (re)loads a config at `now`.
struct Agenda {
  /// Per (task, occurrence, unit), the latest stage whose time has passed while the deadline
  /// has not; those older than `grace` are marked late.
  std::vector<Reminder> catch_up;
  /// Reminders still to come of the occurrences that have begun, ordered by time.
  std::vector<Reminder> upcoming;
  /// Per (task, occurrence, unit) whose deadline has passed but not by more than
  /// give_up_after, the latest stage (marked late): retried only if an attempt of it is
  /// unfinished in the journal, so that a restart after the deadline drops no retry.
  std::vector<Reminder> past_deadline;
  /// For each task, its next occurrence that has not begun, ordered by its first stage: its
  /// reminders are computed when that stage comes (agenda_of), so a task in the future
  /// costs one Pending and a recurring task O(1) memory.
  std::vector<Pending> later;
};

/// With `extensions`, a unit's part that has one is scheduled on its deadline in force (its
/// stages keyed apart, those before the approval left out), and each decision's notice to
/// the unit is a reminder of Kind::extension at the decision, sent at once (exact), obsolete a
/// week later.
Agenda agenda_at(const config::Config& config, SysSeconds now, std::chrono::seconds grace,
                 const Extensions& extensions = Extensions::none());

/// The agenda of one pending occurrence when its first stage comes: all its reminders in
/// `upcoming`, as if computed just before that stage (those whose time has come are sent at
/// once; a stage at the deadline itself is not past it), and, in `later`, the occurrence
/// after it.
Agenda agenda_of(const config::Config& config, const Pending& pending,
                 const Extensions& extensions = Extensions::none());

/// The reminders of a pending occurrence, ordered by time: what agenda_of schedules when
/// its first stage comes.
std::vector<Reminder> reminders_of(const config::Config& config, const Pending& pending,
                                   const Extensions& extensions = Extensions::none());

/// An occurrence the Office follows on a given day: its reminders have begun, and it is not
/// more than the chase window (`overdue_until` working days) past its deadline.
struct OpenOccurrence {
  const config::Plan* plan = nullptr;
  const config::Task* task = nullptr;
  std::string occurrence;       ///< the id, as in keys
  std::string occurrence_name;  ///< "tháng 8/2026"; empty for one-off tasks
  SysSeconds due{};             ///< the occurrence's own deadline (a unit's may be extended)
  bool overdue = false;         ///< its own deadline has passed
  int overdue_days = 0;         ///< working days past its own deadline

  /// The part of `unit` in it.
  ids::AssignmentId assignment(const std::string& unit) const {
    return {plan->id, task->id, occurrence, unit};
  }
};

/// When the chase of a deadline ends: day_end of the `overdue_until`-th working day after it.
SysSeconds chase_end(const config::Config& config, const calendar::WorkCalendar& calendar,
                     const config::Task& task, SysSeconds due);

/// The occurrences open at `now`, by plan then deadline: what the Office's digest reports.
/// One stays open while the chase of any unit's deadline in force (`extensions`) goes on.
std::vector<OpenOccurrence> open_occurrences(const config::Config& config, SysSeconds now,
                                             const Extensions& extensions = Extensions::none());

/// The occurrences whose deadline is in [from, to), by plan then deadline, whether or not
/// their reminders have begun: what the Office's desk shows for a chosen period.
std::vector<OpenOccurrence> occurrences_due(const config::Config& config, SysSeconds from,
                                            SysSeconds to, SysSeconds now);

/// The working-day calendar of a config (built once at load): its workdays, less public
/// holidays when enabled.
const calendar::WorkCalendar& calendar_of(const config::Config& config);

/// How long before `now` a deadline may have passed and still be chased: the chase delay
/// plus the chase window (`until` working days) counted generously in calendar days.
/// chase_end, chase_look_back and the overdue notices are in chase.cpp (see chase.hpp).
std::chrono::seconds chase_look_back(const config::Chase& chase);

}  // namespace deadlined::schedule
