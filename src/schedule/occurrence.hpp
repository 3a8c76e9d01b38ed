#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "calendar/work_calendar.hpp"
#include "config/config.hpp"

namespace deadlined::schedule {

using config::SysSeconds;

/// Formats a local day as YYYYMMDD: the occurrence id of a one-off task.
std::string occurrence_id(date::local_days day);

/// One reporting period of a recurring task: its days (inclusive), its key and its name.
struct Period {
  date::local_days start;
  date::local_days end;  ///< the data cut-off
  std::string id;        ///< in keys: "2026-08", "2026-Q3", "2026-H1", "2026-9M", "2026", YYYYMMDD
  std::string name;      ///< "tháng 8/2026", "quý III/2026", "6 tháng đầu năm 2026", ...
};

/// Period number `index` of a recurrence (any integer; every-N periods count from `from`).
Period period_of(const config::Recurrence& recurrence, long index);

/// The number of the period that holds `day`, or the nearest one for gaps (9-monthly).
long period_index_near(const config::Recurrence& recurrence, date::local_days day);

/// One occurrence of a task: the single one of a one-off task, or one per period.
struct Occurrence {
  long index = 0;
  std::string id;    ///< the occurrence part of keys
  std::string name;  ///< the period's name; empty for a one-off task
  SysSeconds due{};
};

/// The occurrences of one task, computed on demand so that a recurring task costs O(1)
/// memory: a one-off task has occurrence 0 only; a recurring one, one per period within
/// `from`..`until`; a task due "before" another has the other task's occurrences.
/// Holds references: the config, calendar, plan and task must outlive it.
class Occurrences {
 public:
  Occurrences(const config::Config& config, const calendar::WorkCalendar& calendar,
              const config::Plan& plan, const config::Task& task);

  bool recurring() const { return root_->recurrence.kind != config::Recurrence::Kind::none; }

  /// Occurrence `index`; nullopt when there is none (outside from/until, or not 0 for a
  /// one-off task).
  std::optional<Occurrence> at(long index) const;

  /// The occurrence whose id is `id` (as in keys), if there is one.
  std::optional<Occurrence> find(std::string_view id) const;

  /// The first occurrence whose deadline is at or after `t`.
  std::optional<Occurrence> first_due_from(SysSeconds t) const;

 private:
  SysSeconds due_of(const config::Task& task, long index,
                    const std::optional<Period>& period) const;

  const config::Config& config_;
  const calendar::WorkCalendar& calendar_;
  const config::Plan& plan_;
  const config::Task& task_;
  const config::Task* root_;  ///< the task whose recurrence this one follows
};

}  // namespace deadlined::schedule
