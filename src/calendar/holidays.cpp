#include "calendar/holidays.hpp"

#include <algorithm>

#include "calendar/lunar.hpp"

namespace deadlined::calendar {
namespace {

constexpr const char* k_law = "Bộ luật Lao động 2019, Điều 112";
constexpr const char* k_fallback =
    "Bộ luật Lao động 2019, Điều 112 (quy tắc dự phòng của deadlined)";
constexpr const char* k_compensatory = "Bộ luật Lao động 2019, Điều 111";

// The lunar calendar is computed, and checked, for 1900-2100 only.
constexpr int k_first_year = 1901;
constexpr int k_last_year = 2099;

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

}  // namespace

std::string_view to_string(SpecialDay::Kind kind) {
  switch (kind) {
    case SpecialDay::Kind::holiday:
      return "holiday";
    case SpecialDay::Kind::compensatory:
      return "compensatory";
    case SpecialDay::Kind::swap_off:
      return "swap_off";
    case SpecialDay::Kind::swap_work:
      return "swap_work";
  }
  return "holiday";
}

std::vector<SpecialDay> vietnam_holidays(int year, const std::array<bool, 7>& workdays) {
  using Kind = SpecialDay::Kind;
  std::vector<SpecialDay> days;
  if (year < k_first_year || year > k_last_year) return days;
  auto add = [&](date::local_days day, std::string name, const char* source,
                 std::string lunar = {}) {
    days.push_back({day, std::move(name), Kind::holiday, source, std::move(lunar)});
  };
  add(ymd(year, 1, 1), "Tết Dương lịch", k_law);
  if (auto tet = from_lunar({year, 1, 1, false})) {
    add(*tet - date::days{1}, "Tết Nguyên Đán (ngày cuối năm âm lịch)", k_fallback);
    add(*tet, "Tết Nguyên Đán (mùng 1)", k_law, "1/1");
    for (int i = 2; i <= 4; ++i) {
      add(*tet + date::days{i - 1}, "Tết Nguyên Đán (mùng " + std::to_string(i) + ")", k_fallback);
    }
  }
  if (auto gio_to = from_lunar({year, 3, 10, false})) {
    add(*gio_to, "Giỗ Tổ Hùng Vương", k_law, "10/3");
  }
  add(ymd(year, 4, 30), "Ngày Chiến thắng", k_law);
  add(ymd(year, 5, 1), "Ngày Quốc tế Lao động", k_law);
  auto national = ymd(year, 9, 2);
  add(national, "Quốc khánh", k_law);
  unsigned weekday = date::weekday{national}.c_encoding();
  bool day_before = weekday == 2 || weekday == 3 || weekday == 5 || weekday == 6;
  add(day_before ? ymd(year, 9, 1) : ymd(year, 9, 3), "Quốc khánh (ngày liền kề)", k_fallback);
  std::sort(days.begin(), days.end(), [](const auto& a, const auto& b) { return a.date < b.date; });

  // Art. 111: each holiday on a weekly rest day gives the next working day off.
  auto is_off = [&](date::local_days day) {
    return !workdays[date::weekday{day}.c_encoding()] ||
           std::any_of(days.begin(), days.end(), [&](const auto& d) { return d.date == day; });
  };
  std::vector<SpecialDay> compensatory;
  for (const SpecialDay& holiday : days) {
    if (workdays[date::weekday{holiday.date}.c_encoding()]) continue;
    date::local_days next = holiday.date + date::days{1};
    while (is_off(next) || std::any_of(compensatory.begin(), compensatory.end(),
                                       [&](const auto& c) { return c.date == next; })) {
      next += date::days{1};
    }
    compensatory.push_back(
        {next, "Nghỉ bù " + holiday.name, Kind::compensatory, k_compensatory, {}});
  }
  days.insert(days.end(), compensatory.begin(), compensatory.end());
  std::sort(days.begin(), days.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
  days.erase(std::remove_if(days.begin(), days.end(),
                            [&](const auto& d) {
                              return date::year_month_day{d.date}.year() != date::year{year};
                            }),
             days.end());
  return days;
}

}  // namespace deadlined::calendar
