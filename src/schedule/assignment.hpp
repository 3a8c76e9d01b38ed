#pragma once

#include <string>
#include <variant>

#include "config/config.hpp"
#include "ids/ids.hpp"
#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::schedule {

/// What an AssignmentId names in a configuration: the task, its occurrence and the unit, and
/// the unit's part in it. Points into the config.
struct Assignment {
  const config::Plan* plan = nullptr;
  const config::Task* task = nullptr;
  const config::Unit* unit = nullptr;
  Occurrence occurrence;
  Role role = Role::responsible;
};

/// Why an AssignmentId names nothing in a configuration, with the operator's message.
struct UnknownAssignment {
  enum class Reason { plan, task, unit, not_assigned, occurrence };
  Reason reason;
  std::string message;
};

/// The one lookup of an assignment that the CLI, the confirmation links and the calendar
/// feeds share: the plan, the task, the unit (which must carry out or coordinate the task)
/// and the occurrence (a one-off task's due day YYYYMMDD, or the period).
std::variant<Assignment, UnknownAssignment> resolve(const config::Config& config,
                                                    const ids::AssignmentId& id);

/// The unit's part in `task`; none when it has none.
std::optional<Role> role_in(const config::Task& task, const std::string& unit);

}  // namespace deadlined::schedule
