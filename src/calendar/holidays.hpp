#pragma once

#include <array>
#include <string>
#include <vector>

#include <date/date.h>

namespace deadlined::calendar {

/// A day whose working status differs from the weekly pattern.
struct SpecialDay {
  enum class Kind { holiday, compensatory, swap_off, swap_work };
  date::local_days date;
  std::string name;  ///< in Vietnamese
  Kind kind = Kind::holiday;
  std::string source;  ///< the law, rule or decision behind it
  std::string lunar;   ///< "1/1" for the lunar new year, "10/3" for Giỗ Tổ; else empty
};

std::string_view to_string(SpecialDay::Kind kind);

/// The public holidays of solar year `year` by the rules of the Labor Code 2019 (Art. 112),
/// with a compensatory day off (nghỉ bù, Art. 111) for each holiday on a weekly rest day,
/// sorted by date. Where the law leaves the span to a yearly decision, the fallback rules are:
/// Tết is the last day of the lunar year and the first four days of the new one; the day
/// joined to Quốc khánh (2/9) is 1/9 when 2/9 is a Tuesday, Wednesday, Friday or Saturday,
/// else 3/9. `workdays` is indexed by weekday (0 = Sunday). Years outside 1901-2099, where
/// the lunar calendar is not computed, have no holidays.
std::vector<SpecialDay> vietnam_holidays(int year, const std::array<bool, 7>& workdays);

}  // namespace deadlined::calendar
