#include "schedule/assignment.hpp"

#include <algorithm>

namespace deadlined::schedule {

std::optional<Role> role_in(const config::Task& task, const std::string& unit) {
  auto has = [&](const std::vector<std::string>& ids) {
    return std::find(ids.begin(), ids.end(), unit) != ids.end();
  };
  if (has(task.responsible)) return Role::responsible;
  if (has(task.coordinating)) return Role::coordinating;
  return std::nullopt;
}

std::variant<Assignment, UnknownAssignment> resolve(const config::Config& config,
                                                    const ids::AssignmentId& id) {
  using Reason = UnknownAssignment::Reason;
  auto plan = std::find_if(config.plans.begin(), config.plans.end(),
                           [&](const config::Plan& p) { return p.id == id.plan; });
  if (plan == config.plans.end())
    return UnknownAssignment{Reason::plan, "unknown plan '" + id.plan + "'"};
  const config::Task* task = plan->find_task(id.task);
  if (!task) {
    return UnknownAssignment{Reason::task, "plan '" + id.plan + "' has no task '" + id.task + "'"};
  }
  // A unit unknown to the config has no part in any task (check ensures it).
  auto role = role_in(*task, id.unit);
  if (!role) {
    return UnknownAssignment{Reason::not_assigned,
                             "unit '" + id.unit + "' has no part in task '" + id.task + "'"};
  }
  const config::Unit* unit = config.find_unit(id.unit);
  if (!unit) return UnknownAssignment{Reason::unit, "unknown unit '" + id.unit + "'"};
  Occurrences occurrences(config, *config.calendar, *plan, *task);
  auto occurrence = occurrences.find(id.occurrence);
  if (!occurrence) {
    return UnknownAssignment{
        Reason::occurrence,
        "task '" + id.task + "' has no occurrence '" + id.occurrence +
            "' (one-off tasks use the due day YYYYMMDD; recurring ones the period, such as "
            "2026-08, 2026-Q3, 2026-H1, 2026-9M or 2026)"};
  }
  return Assignment{&*plan, task, unit, std::move(*occurrence), *role};
}

}  // namespace deadlined::schedule
