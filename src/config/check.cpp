#include "config/check.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace deadlined::config::detail {
namespace {

void error(std::vector<Diagnostic>& out, SourcePos where, std::string message) {
  out.push_back({std::move(where), Diagnostic::Severity::error, std::move(message)});
}

bool due_before_task(const TaskSection& task) {
  return task.values.due.kind == DueSpec::Kind::rule &&
         task.values.due.rule.kind == DueRule::Kind::before_task;
}

void check_main(const ParsedConfig& parsed, std::vector<Diagnostic>& out) {
  for (const auto& [id, unit] : parsed.units) {
    for (const Written& hook : unit.webhooks) {
      if (!parsed.webhooks.count(hook.text)) {
        error(out, hook.where, "unit '" + id + "' names unknown webhook '" + hook.text + "'");
      }
    }
  }
  const ServiceSection& service = parsed.service;
  SourcePos main_file{parsed.file.string(), 0, 0};
  bool no_monitor = !service.monitor || service.monitor->text.empty();
  if (service.digest == true && no_monitor) {
    error(out, main_file, "digest = true needs a monitor unit in [service]");
  }
  if (!no_monitor && !parsed.find_unit(service.monitor->text)) {
    error(out, service.monitor->where,
          "monitor names unknown unit '" + service.monitor->text + "'");
  }
  bool any_email = std::any_of(parsed.units.begin(), parsed.units.end(),
                               [](const auto& u) { return !u.second.values.emails.empty(); });
  if (any_email && parsed.email.values.transport == EmailConfig::Transport::none) {
    error(out, main_file, "units have email addresses but there is no [email] section");
  }
}

/// Each "before TASK" rule of a task in `chained` names a task of the plan, and no chain of
/// them through tasks in `chained` loops.
void check_dependencies(const PlanSection& plan, const std::vector<const TaskSection*>& chained,
                        std::vector<Diagnostic>& out) {
  std::unordered_set<std::string_view> ids;
  for (const TaskSection& task : plan.tasks) {
    if (task.names_id) ids.insert(task.values.id);
  }
  std::unordered_map<std::string_view, const TaskSection*> by_id;
  for (const TaskSection* task : chained)
    by_id.emplace(task->values.id, task);
  for (const TaskSection* task : chained) {
    if (!due_before_task(*task)) continue;
    const std::string& target = task->values.due.rule.task;
    if (!ids.count(target)) {
      error(out, task->due_where,
            "task '" + task->values.id + "' is due before unknown task '" + target + "' of plan '" +
                plan.values.id + "'");
      continue;
    }
    const TaskSection* step = task;
    for (std::size_t i = 0; step && i <= chained.size(); ++i) {
      if (!due_before_task(*step)) {
        step = nullptr;
      } else {
        auto next = by_id.find(step->values.due.rule.task);
        step = next == by_id.end() ? nullptr : next->second;
        if (step == task) break;
      }
    }
    if (step == task) {
      error(out, task->due_where,
            "task '" + task->values.id + "' depends on its own deadline through 'before'");
    }
  }
}

/// The units of each task, then the `before` chains of the tasks read without a problem.
void check_plan(const ParsedConfig& parsed, const PlanSection& plan, std::vector<Diagnostic>& out) {
  std::vector<const TaskSection*> chained;
  bool any_chain = false;
  for (const TaskSection& task : plan.tasks) {
    std::string label =
        task.values.id.empty() ? std::string("task") : "task '" + task.values.id + "'";
    bool units_known = true;
    for (const auto* list : {&task.responsible, &task.coordinating}) {
      for (const Written& unit : *list) {
        if (parsed.find_unit(unit.text)) continue;
        error(out, unit.where, label + " names unknown unit '" + unit.text + "'");
        units_known = false;
      }
    }
    if (task.clean && units_known) {
      chained.push_back(&task);
      any_chain = any_chain || due_before_task(task);
    }
  }
  if (any_chain) check_dependencies(plan, chained, out);
}

void check_escalations(const ParsedConfig& parsed, const ChaseKeys& chase,
                       std::vector<Diagnostic>& out) {
  if (!chase.escalate_to) return;
  for (const Written& unit : *chase.escalate_to) {
    if (!parsed.find_unit(unit.text)) {
      error(out, unit.where, "escalate_to names unknown unit '" + unit.text + "'");
    }
  }
}

}  // namespace

CrossReferenceProblems check(const ParsedConfig& parsed) {
  CrossReferenceProblems problems;
  check_main(parsed, problems.main);
  check_escalations(parsed, parsed.service.chase, problems.escalations);
  std::map<std::string, SourcePos> plan_ids;
  problems.plans.resize(parsed.plans.size());
  for (std::size_t i = 0; i < parsed.plans.size(); ++i) {
    const PlanSection& plan = parsed.plans[i];
    std::vector<Diagnostic>& out = problems.plans[i];
    check_plan(parsed, plan, out);
    if (plan.id_where) {
      if (auto [it, inserted] = plan_ids.emplace(plan.values.id, *plan.id_where); !inserted) {
        const SourcePos& first = it->second;
        error(out, *plan.id_where,
              "duplicate plan id '" + plan.values.id + "' (first defined at " + first.file + ":" +
                  std::to_string(first.line) + ":" + std::to_string(first.column) + ")");
      }
    }
    check_escalations(parsed, plan.chase, problems.escalations);
    for (const TaskSection& task : plan.tasks)
      check_escalations(parsed, task.chase, problems.escalations);
  }
  return problems;
}

}  // namespace deadlined::config::detail
