#include <algorithm>
#include <cstddef>

#include "config/readers.hpp"

namespace deadlined::config::detail {
namespace {

std::size_t errors_from(const std::vector<Diagnostic>& diagnostics, std::size_t first) {
  return static_cast<std::size_t>(
      std::count_if(diagnostics.begin() + static_cast<std::ptrdiff_t>(first), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; }));
}

/// The [plan] table.
void read_plan_table(TableReader& top, PlanSection& section) {
  const toml::node* node = top.node("plan", true);
  if (!node) return;
  const toml::table* t = node->as_table();
  if (!t) return top.wrong_type(*node, "plan", "a table");
  Plan& plan = section.values;
  Reporter& reporter = top.reporter();
  TableReader r(*t, "[plan]", reporter);
  section.where = reporter.pos(t->source());
  if (auto id = r.string("id", true)) {
    plan.id = *id;
    if (!valid_id(*id)) {
      reporter.error(t->get("id")->source(),
                     "invalid plan id '" + *id + "': use letters, digits, '-' and '_'");
    } else {
      section.id_where = reporter.pos(t->get("id")->source());
    }
  }
  if (auto v = r.string("number")) plan.number = *v;
  if (auto v = r.string("kind")) plan.kind = *v;
  if (auto v = r.string("title", true)) plan.title = *v;
  if (auto v = r.string("basis")) plan.basis = *v;
  if (const toml::node* d = r.node("date")) {
    if (auto v = d->value_exact<toml::date>())
      plan.date = to_local_days(*v);
    else
      r.wrong_type(*d, "date", "a date such as 2020-07-15");
  }
  section.leads = read_leads(r);
  section.chase = read_chase(r);
  r.finish();
}

}  // namespace

PlanFile read_plan_file(const std::filesystem::path& file) {
  PlanFile out;
  auto root = parse_file(file, out.diagnostics);
  if (!root) return out;
  Reporter reporter(file.string(), out.diagnostics);
  TableReader top(*root, "the plan file", reporter);
  PlanSection& section = out.plan.emplace();
  section.where = reporter.file_pos();
  read_plan_table(top, section);
  if (const toml::node* node = top.node("task")) {
    if (const toml::array* tasks = node->as_array(); tasks && tasks->is_array_of_tables()) {
      section.tasks.reserve(tasks->size());
      std::map<std::string, std::uint32_t> task_ids;
      for (const toml::node& element : *tasks) {
        std::size_t first = out.diagnostics.size();
        TaskSection& task =
            section.tasks.emplace_back(read_task(*element.as_table(), reporter, task_ids));
        task.clean = errors_from(out.diagnostics, first) == 0;
      }
    } else {
      top.wrong_type(*node, "task", "an array of tables ([[task]])");
    }
  } else {
    reporter.warning(section.where, "plan '" + section.values.id + "' has no [[task]]");
  }
  top.finish();
  return out;
}

}  // namespace deadlined::config::detail
