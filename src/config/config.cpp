#include "config/config.hpp"

namespace deadlined::config {

const Task* Plan::find_task(const std::string& task_id) const {
  for (const Task& task : tasks) {
    if (task.id == task_id) return &task;
  }
  return nullptr;
}

const Unit* Config::find_unit(const std::string& id) const {
  auto it = units.find(id);
  return it == units.end() ? nullptr : &it->second;
}

}  // namespace deadlined::config
