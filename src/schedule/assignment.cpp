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
    return UnknownAssignment{Reason::plan, "không có kế hoạch '" + id.plan + "'"};
  const config::Task* task = plan->find_task(id.task);
  if (!task) {
    return UnknownAssignment{Reason::task,
                             "kế hoạch '" + id.plan + "' không có nhiệm vụ '" + id.task + "'"};
  }
  // A unit unknown to the config has no part in any task (check ensures it).
  auto role = role_in(*task, id.unit);
  if (!role) {
    return UnknownAssignment{Reason::not_assigned,
                             "đơn vị '" + id.unit + "' không được giao nhiệm vụ '" + id.task + "'"};
  }
  const config::Unit* unit = config.find_unit(id.unit);
  if (!unit) return UnknownAssignment{Reason::unit, "không có đơn vị '" + id.unit + "'"};
  Occurrences occurrences(config, *config.calendar, *plan, *task);
  auto occurrence = occurrences.find(id.occurrence);
  if (!occurrence) {
    return UnknownAssignment{
        Reason::occurrence,
        "nhiệm vụ '" + id.task + "' không có kỳ '" + id.occurrence +
            "' (nhiệm vụ một lần: ngày đến hạn, dạng YYYYMMDD hoặc YYYY-MM-DD; nhiệm vụ định "
            "kỳ: kỳ báo cáo, ví dụ 2026-08, 2026-Q3, 2026-H1, 2026-9M hoặc 2026)"};
  }
  return Assignment{&*plan, task, unit, std::move(*occurrence), *role};
}

}  // namespace deadlined::schedule
