#include "config/config.hpp"

namespace deadlined::config {

bool Plan::has_edition(int year) const {
  if (year == 0) return true;
  for (const Edition& e : editions) {
    if (e.year == year) return true;
  }
  if (!date) return editions.empty();
  return static_cast<int>(date::year_month_day{*date}.year()) == year;
}

const Task* Plan::find_task(const std::string& task_id) const {
  for (const Task& task : tasks) {
    if (task.id == task_id) return &task;
  }
  return nullptr;
}

const Person* Unit::find_person(std::string_view person) const {
  for (const Person& p : people) {
    if (p.name == person) return &p;
  }
  return nullptr;
}

const Unit* Config::find_unit(const std::string& id) const {
  auto it = units.find(id);
  return it == units.end() ? nullptr : &it->second;
}

}  // namespace deadlined::config
