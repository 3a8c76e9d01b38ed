#include "report/statistics.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::report {

std::optional<double> Figures::on_time_rate() const {
  if (assigned == 0) return std::nullopt;
  return static_cast<double>(on_time) / static_cast<double>(assigned);
}

void Figures::add(schedule::State state) {
  ++assigned;
  switch (state) {
    case schedule::State::on_time:
      ++on_time;
      break;
    case schedule::State::late:
      ++late;
      break;
    case schedule::State::open:
      ++open;
      break;
    case schedule::State::overdue:
      ++overdue;
      break;
  }
}

Figures& Figures::operator+=(const Figures& other) {
  assigned += other.assigned;
  on_time += other.on_time;
  late += other.late;
  open += other.open;
  overdue += other.overdue;
  return *this;
}

void judge_by(Query& query, const schedule::Extensions& extensions) {
  query.deadline_in_force = [&extensions](const ids::AssignmentId& id, SysSeconds due) {
    return extensions.deadline(id, due);
  };
  query.extension_reach = extensions.reach();
}

Report compute(const config::Config& config, const Query& query) {
  const calendar::WorkCalendar& calendar = schedule::calendar_of(config);
  Report report;
  report.from = query.from;
  report.to = query.to;
  report.now = query.now;
  report.zone = config.service.zone;
  report.plan = query.plan;

  // A unit's figures accumulate by index; rows are made for the units that take part.
  std::vector<const config::Unit*> units;
  std::vector<Figures> unit_figures;
  std::unordered_map<std::string_view, std::size_t> index_of;
  auto row_of = [&](const std::string& id) -> std::size_t {
    auto [it, inserted] = index_of.try_emplace(id, units.size());
    if (inserted) {
      units.push_back(config.find_unit(id));
      unit_figures.emplace_back();
    }
    return it->second;
  };

  const SysSeconds start = query.from - query.extension_reach;
  for (const config::Plan& plan : config.plans) {
    if (query.plan && plan.id != *query.plan) continue;
    PlanRow& plan_row = report.plans.emplace_back(PlanRow{plan.id, plan.title, {}});
    for (const config::Task& task : plan.tasks) {
      std::vector<std::size_t> rows;
      rows.reserve(task.responsible.size());
      for (const std::string& unit : task.responsible)
        rows.push_back(row_of(unit));
      schedule::Occurrences occurrences(config, calendar, plan, task);
      for (auto o = occurrences.first_due_from(start); o && o->due < query.to;
           o = occurrences.at(o->index + 1)) {
        for (std::size_t i = 0; i < task.responsible.size(); ++i) {
          const ids::AssignmentId id{plan.id, task.id, o->id, task.responsible[i]};
          SysSeconds deadline =
              query.deadline_in_force ? query.deadline_in_force(id, o->due) : o->due;
          if (deadline < query.from || deadline >= query.to) continue;
          schedule::State state =
              schedule::standing_of(config, deadline, query.done_at(id), query.now).state;
          unit_figures[rows[i]].add(state);
          plan_row.figures.add(state);
        }
      }
    }
    report.total += plan_row.figures;
  }

  report.units.reserve(units.size());
  for (std::size_t i = 0; i < units.size(); ++i)
    report.units.push_back(UnitRow{units[i]->id, units[i]->name, unit_figures[i]});
  // As the config writes them: by file, line and column (the map of units is by id).
  auto written = [&](const UnitRow& row) {
    const config::SourcePos& where = config.find_unit(row.unit)->where;
    return std::tie(where.file, where.line, where.column, row.unit);
  };
  std::sort(report.units.begin(), report.units.end(),
            [&](const UnitRow& a, const UnitRow& b) { return written(a) < written(b); });
  return report;
}

}  // namespace deadlined::report
