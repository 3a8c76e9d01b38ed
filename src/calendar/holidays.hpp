#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

namespace deadlined::calendar {

/// The years whose public holidays deadlined knows: from 1995, when the Labor Code of 1994 took
/// effect (no earlier law is modelled), to 2100, the end of the checked lunar calendar. Other
/// years have no holidays.
inline constexpr int k_first_holiday_year = 1995;
inline constexpr int k_last_holiday_year = 2100;

/// The public holidays (2019 Art. 112), each of which a yearly decision may arrange.
enum class Occasion {
  new_year,        ///< Tết Dương lịch, 01/01
  lunar_new_year,  ///< Tết Nguyên Đán
  hung_kings,      ///< Giỗ Tổ Hùng Vương, 10/3 lunar
  victory_labour,  ///< Ngày Chiến thắng 30/4 and Quốc tế Lao động 01/5
  national_day,    ///< Quốc khánh 02/9 and its adjacent day
};

/// The identifiers used in holiday files: "tet-duong-lich", "tet-nguyen-dan", "gio-to",
/// "30-4-1-5", "quoc-khanh".
std::string_view to_string(Occasion occasion);
std::optional<Occasion> occasion_from_string(std::string_view text);

/// A day whose working status differs from the weekly pattern.
struct SpecialDay {
  enum class Kind { holiday, compensatory, swap_off, swap_work };
  date::local_days date;
  std::string name;  ///< in Vietnamese
  Kind kind = Kind::holiday;
  std::string source;  ///< the law, rule or decision behind it
  std::string lunar;   ///< "1/1" for the lunar new year, "10/3" for Giỗ Tổ; else empty
  Occasion occasion = Occasion::new_year;
};

/// The Government's decision for one occasion of one year (e.g. Tết 2025: 25/01-02/02 off).
/// Within the decided occasion it replaces the fallback rules: the days off are the days the
/// law in force fixes (01/01, mùng 1 Tết, 10/3 lunar, 30/4, 01/5, 02/9; under the 1994 code
/// also the last day of the lunar year and mùng 2-3) plus the days listed here; no fallback
/// span, adjacent day or compensatory day is added. Weekly rest days listed as off stay plain
/// rest days.
struct Decision {
  int year = 0;
  Occasion occasion = Occasion::new_year;
  std::string source;                          ///< the decision's number, date and issuer
  std::vector<date::local_days> off;           ///< holidays (e.g. the five days of Tết)
  std::vector<date::local_days> swap_off;      ///< days off in exchange for a worked day
  std::vector<date::local_days> compensatory;  ///< nghỉ bù for a holiday on a rest day
  std::vector<date::local_days> work;          ///< weekly rest days that are worked
};

std::string_view to_string(SpecialDay::Kind kind);

/// The public holidays of solar year `year`, each by the law in force on its day, with a
/// compensatory day off (nghỉ bù) for each holiday on a weekly rest day, sorted by date:
///  - from 01/01/1995, the Labor Code of 1994 (Art. 73): 01/01, Tết (the last day of the lunar
///    year and mùng 1-3), 30/4, 01/5, 02/9; Giỗ Tổ Hùng Vương (10/3 lunar) from the amendment
///    of 2007 (84/2007/QH11);
///  - from 01/05/2013, the Labor Code of 2012 (Art. 115): Tết is five days, Quốc khánh one;
///  - from 01/01/2021, the Labor Code of 2019 (Art. 112): Quốc khánh is 02/9 and an adjacent day.
/// Where the law leaves the span to a yearly decision, the fallback rules are: Tết is the last
/// two days of the lunar year and mùng 1-3, nghỉ bù after the span for those on a rest day (the
/// placing of every decision of 2015-2026); the day joined to Quốc khánh is 1/9 when 2/9 is a
/// Tuesday, Wednesday, Friday or Saturday, else 3/9. `workdays` is indexed by weekday (0 =
/// Sunday). Years outside k_first_holiday_year-k_last_holiday_year have no holidays.
/// Occasions of `year` with an entry in `decisions` follow the decision instead.
std::vector<SpecialDay> vietnam_holidays(int year, const std::array<bool, 7>& workdays,
                                         const std::vector<Decision>& decisions = {});

/// Holidays fixed by law that fall on a weekly rest day in a decided occasion of `year` with
/// no day off (of any kind) in the decision within the week after: the decision probably
/// forgot the nghỉ bù.
std::vector<SpecialDay> uncompensated_holidays(int year, const std::array<bool, 7>& workdays,
                                               const std::vector<Decision>& decisions);

}  // namespace deadlined::calendar
