#include "config/diagnostic.hpp"

#include <algorithm>

namespace deadlined::config {

std::string Diagnostic::to_string() const {
  std::string out = where.file;
  if (where.line > 0) {
    out += ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
  }
  out += severity == Severity::error ? ": error: " : ": warning: ";
  out += message;
  return out;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
}

const Unit* Config::find_unit(const std::string& id) const {
  auto it = units.find(id);
  return it == units.end() ? nullptr : &it->second;
}

}  // namespace deadlined::config

namespace deadlined::config {

const Task* Plan::find_task(const std::string& task_id) const {
  for (const Task& task : tasks) {
    if (task.id == task_id) return &task;
  }
  return nullptr;
}

}  // namespace deadlined::config
