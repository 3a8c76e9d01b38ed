#pragma once

#include <array>
#include <bitset>
#include <memory>
#include <mutex>
#include <vector>

#include <date/date.h>

#include "calendar/holidays.hpp"

namespace deadlined::calendar {

/// Which local days are working days: a weekly pattern, less the Vietnamese public holidays
/// and their compensatory days when `vietnam_holidays` is set, as arranged by the yearly
/// `decisions` (days off swapped for worked rest days).
///
/// Immutable and safe to share between threads: built once at config load, it works out the
/// days of each year of 1900-2199 that differ from the weekly pattern the first time that
/// year is asked about, exactly once (std::call_once), and keeps them; copies share them. A
/// year outside that range is worked out at each call.
class WorkCalendar {
 public:
  /// `workdays` is indexed by date::weekday::c_encoding() (0 = Sunday); at least one is true.
  explicit WorkCalendar(std::array<bool, 7> workdays, bool vietnam_holidays = false,
                        std::vector<Decision> decisions = {});

  /// The special days of `year` (see vietnam_holidays); empty when holidays are off.
  std::vector<SpecialDay> special_days(int year) const;

  bool is_working_day(date::local_days day) const;

  /// The last working day strictly before `day`.
  date::local_days previous_working_day(date::local_days day) const;

  /// `day` if it is a working day, else the last working day before it.
  date::local_days on_or_before(date::local_days day) const;

  /// The next working day strictly after `day`.
  date::local_days next_working_day(date::local_days day) const;

  /// How many working days d there are with from < d <= to.
  long working_days_after(date::local_days from, date::local_days to) const;

  /// The n-th working day before `day`, counting only working days strictly before it;
  /// n = 0 gives on_or_before(day).
  date::local_days working_days_before(date::local_days day, long n) const;

 private:
  /// The days of one year whose status differs from the weekly pattern, by day of the year.
  struct Exceptions {
    std::bitset<366> off;     ///< a day of the pattern's working weekdays that is not worked
    std::bitset<366> worked;  ///< a rest day of the pattern that is worked
  };
  struct Year {
    std::once_flag once;
    Exceptions exceptions;
  };
  static constexpr int k_first_year = 1900;
  static constexpr int k_years = 300;

  Exceptions exceptions_of(int year) const;

  std::array<bool, 7> workdays_;
  bool vietnam_holidays_;
  std::vector<Decision> decisions_;
  std::shared_ptr<std::array<Year, k_years>> years_;  // each filled once, then read-only
};

}  // namespace deadlined::calendar
