#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

namespace deadlined::calendar {

/// The holidays of Art. 112, each of which a yearly decision may arrange.
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
/// law fixes (01/01, mùng 1 Tết, 10/3 lunar, 30/4, 01/5, 02/9) plus the days listed here;
/// no fallback span, adjacent day or compensatory day is added. Weekly rest days listed as
/// off stay plain rest days.
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

/// The public holidays of solar year `year` by the rules of the Labor Code 2019 (Art. 112),
/// with a compensatory day off (nghỉ bù, Art. 111) for each holiday on a weekly rest day,
/// sorted by date. Where the law leaves the span to a yearly decision, the fallback rules are:
/// Tết is the last day of the lunar year and the first four days of the new one; the day
/// joined to Quốc khánh (2/9) is 1/9 when 2/9 is a Tuesday, Wednesday, Friday or Saturday,
/// else 3/9. `workdays` is indexed by weekday (0 = Sunday). Years outside 1901-2099, where
/// the lunar calendar is not computed, have no holidays.
/// Occasions of `year` with an entry in `decisions` follow the decision instead.
std::vector<SpecialDay> vietnam_holidays(int year, const std::array<bool, 7>& workdays,
                                         const std::vector<Decision>& decisions = {});

/// Holidays fixed by law that fall on a weekly rest day in a decided occasion of `year` with
/// no day off (of any kind) in the decision within the week after: the decision probably
/// forgot the nghỉ bù (Art. 111).
std::vector<SpecialDay> uncompensated_holidays(int year, const std::array<bool, 7>& workdays,
                                               const std::vector<Decision>& decisions);

}  // namespace deadlined::calendar
