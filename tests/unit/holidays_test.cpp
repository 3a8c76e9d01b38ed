#include <catch2/catch.hpp>

#include "calendar/holidays.hpp"
#include "calendar/work_calendar.hpp"

using deadlined::calendar::SpecialDay;
using deadlined::calendar::vietnam_holidays;
using deadlined::calendar::WorkCalendar;

namespace {

const std::array<bool, 7> k_mon_fri{false, true, true, true, true, true, false};

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

/// "dd/mm kind" for each special day, to compare whole years at once.
std::vector<std::string> summary(int year) {
  std::vector<std::string> out;
  for (const auto& d : vietnam_holidays(year, k_mon_fri)) {
    out.push_back(date::format("%d/%m ", d.date) + std::string(to_string(d.kind)) +
                  (d.lunar.empty() ? "" : " " + d.lunar));
  }
  return out;
}

}  // namespace

TEST_CASE("2026 by the rules: Tết, Giỗ Tổ, 30/4, 1/5, 2/9 and compensatory days",
          "[calendar][holidays]") {
  // Tết 2026 is Tuesday 17/02: the lunar year's last day 16/02 and mùng 1-4 (17-20/02).
  // Giỗ Tổ 26/04 is a Sunday: compensatory Monday 27/04. 2/9 is a Wednesday: 1/9 joins it.
  CHECK(summary(2026) == std::vector<std::string>{
                             "01/01 holiday",
                             "16/02 holiday",
                             "17/02 holiday 1/1",
                             "18/02 holiday",
                             "19/02 holiday",
                             "20/02 holiday",
                             "26/04 holiday 10/3",
                             "27/04 compensatory",
                             "30/04 holiday",
                             "01/05 holiday",
                             "01/09 holiday",
                             "02/09 holiday",
                         });
}

TEST_CASE("holidays on a weekend give the next working day off, after the whole span",
          "[calendar][holidays]") {
  // 2022: Tết Tuesday 01/02 (31/01-04/02, all weekdays); 30/04 is a Saturday and 01/05 a
  // Sunday: the next working days after both, Monday 02/05 and Tuesday 03/05, are off.
  // 2/9/2022 is a Friday: 1/9 joins it.
  CHECK(summary(2022) == std::vector<std::string>{
                             "01/01 holiday",
                             "03/01 compensatory",
                             "31/01 holiday",
                             "01/02 holiday 1/1",
                             "02/02 holiday",
                             "03/02 holiday",
                             "04/02 holiday",
                             "10/04 holiday 10/3",
                             "11/04 compensatory",
                             "30/04 holiday",
                             "01/05 holiday",
                             "02/05 compensatory",
                             "03/05 compensatory",
                             "01/09 holiday",
                             "02/09 holiday",
                         });
  // 2/9/2024 is a Monday: 3/9 joins it.
  auto days_2024 = vietnam_holidays(2024, k_mon_fri);
  CHECK(std::any_of(days_2024.begin(), days_2024.end(),
                    [](const SpecialDay& d) { return d.date == ymd(2024, 9, 3); }));
}

TEST_CASE("working-day arithmetic skips Tết", "[calendar][holidays]") {
  WorkCalendar plain(k_mon_fri);
  WorkCalendar vietnam(k_mon_fri, true);
  // Monday 23/02/2026, the first working day after Tết 2026 (16-20/02).
  auto after_tet = ymd(2026, 2, 23);
  CHECK(plain.previous_working_day(after_tet) == ymd(2026, 2, 20));
  CHECK(vietnam.previous_working_day(after_tet) == ymd(2026, 2, 13));
  CHECK(vietnam.working_days_before(after_tet, 3) == ymd(2026, 2, 11));
  CHECK_FALSE(vietnam.is_working_day(ymd(2026, 2, 17)));
  CHECK(vietnam.is_working_day(ymd(2026, 2, 23)));
  CHECK_FALSE(vietnam.is_working_day(ymd(2026, 4, 27)));  // nghỉ bù for Giỗ Tổ on Sunday
}

TEST_CASE("years outside 1901-2099 have no holidays", "[calendar][holidays]") {
  CHECK(vietnam_holidays(1, k_mon_fri).empty());
  CHECK(vietnam_holidays(9999, k_mon_fri).empty());
  CHECK(WorkCalendar(k_mon_fri, true).is_working_day(ymd(9999, 1, 1)));  // a Friday
}
