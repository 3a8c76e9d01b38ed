#pragma once

#include <array>

#include <date/date.h>

namespace deadlined::calendar {

/// Which local days are working days. Today: a weekly pattern; public holidays come later.
class WorkCalendar {
 public:
  /// `workdays` is indexed by date::weekday::c_encoding() (0 = Sunday); at least one is true.
  explicit WorkCalendar(std::array<bool, 7> workdays) : workdays_(workdays) {}

  bool is_working_day(date::local_days day) const;

  /// The last working day strictly before `day`.
  date::local_days previous_working_day(date::local_days day) const;

  /// `day` if it is a working day, else the last working day before it.
  date::local_days on_or_before(date::local_days day) const;

  /// The n-th working day before `day`, counting only working days strictly before it;
  /// n = 0 gives on_or_before(day).
  date::local_days working_days_before(date::local_days day, long n) const;

 private:
  std::array<bool, 7> workdays_;
};

}  // namespace deadlined::calendar
