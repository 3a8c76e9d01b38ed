#pragma once

// The on-time statistics of the Office's reports upward: per unit, per plan and in total,
// how many assignments fell due in a window and where each stands (the four states of
// schedule::standing_of). Pure: confirmations and deadlines in force are looked up through
// the functions given, `now` is passed in.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "config/config.hpp"
#include "ids/ids.hpp"
#include "schedule/extension.hpp"
#include "schedule/standing.hpp"

namespace deadlined::report {

using SysSeconds = date::sys_seconds;

/// The counts of one row: assignments due in the window, split by their state.
struct Figures {
  long assigned = 0;  ///< due in the window: on_time + late + open + overdue
  long on_time = 0;
  long late = 0;
  long open = 0;  ///< not done, the deadline not yet passed
  long overdue = 0;

  /// Done on time over assigned, from 0 to 1; none when nothing was due (no rate is
  /// defined: JSON writes null, the other formats an empty cell or "—").
  std::optional<double> on_time_rate() const;
  /// Counts one assignment in `state`.
  void add(schedule::State state);
  Figures& operator+=(const Figures& other);
  friend bool operator==(const Figures&, const Figures&) = default;
};

/// One unit's row.
struct UnitRow {
  std::string unit;  ///< its id
  std::string name;
  Figures figures;
};

/// One plan's row.
struct PlanRow {
  std::string plan;  ///< its id
  std::string title;
  Figures figures;
};

/// The statistics of a window.
struct Report {
  SysSeconds from{};  ///< the window [from, to), on the deadline in force
  SysSeconds to{};
  SysSeconds now{};                       ///< the instant the states are judged at
  const date::time_zone* zone = nullptr;  ///< the service zone, for dates as written
  std::optional<std::string> plan;        ///< the plan it is limited to, if any
  /// Every unit responsible for a task of the plans reported, whether or not anything fell
  /// due, in the order the config writes them (file, then line).
  std::vector<UnitRow> units;
  /// The plans reported, in the config's order.
  std::vector<PlanRow> plans;
  Figures total;
};

/// When an assignment was done: the time of its confirmation if the latest entry of its
/// audit trail confirms; none when it is not done.
using DoneAt = std::function<std::optional<SysSeconds>(const ids::AssignmentId&)>;
/// The deadline in force of an assignment whose occurrence is due at `due`.
using DeadlineInForce = std::function<SysSeconds(const ids::AssignmentId&, SysSeconds due)>;

/// What to count.
struct Query {
  SysSeconds from{};  ///< assignments whose deadline in force is in [from, to)
  SysSeconds to{};
  std::optional<std::string> plan;  ///< only this plan's (an id the config knows)
  SysSeconds now{};
  DoneAt done_at;  ///< required
  /// Empty: each occurrence's own due (no extensions).
  DeadlineInForce deadline_in_force;
  /// How much later than its occurrence's due a deadline in force may be: occurrences due
  /// up to this before `from` are looked at too. A deadline in force is never earlier than
  /// its occurrence's due.
  std::chrono::seconds extension_reach{0};
};

/// Has `query` judge each assignment by its deadline in force in `extensions`, which must
/// outlive it.
void judge_by(Query& query, const schedule::Extensions& extensions);

/// Counts the responsible units' assignments (one per unit of task.responsible and
/// occurrence) whose deadline in force falls in the window, by schedule::standing_of at
/// `now`. Visits each task once, and only its occurrences due in the window.
Report compute(const config::Config& config, const Query& query);

}  // namespace deadlined::report
