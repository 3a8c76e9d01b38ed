#include <catch2/catch.hpp>

#include "calendar/holidays.hpp"
#include "calendar/work_calendar.hpp"
#include "support/days.hpp"

using deadlined::calendar::Decision;
using deadlined::calendar::Occasion;
using deadlined::calendar::SpecialDay;
using deadlined::calendar::vietnam_holidays;
using deadlined::calendar::WorkCalendar;

namespace {

using deadlined::test::k_mon_fri;
using deadlined::test::ymd;

/// "dd/mm kind" for each special day, to compare whole years at once.
std::vector<std::string> summary(int year, const std::vector<Decision>& decisions = {}) {
  std::vector<std::string> out;
  for (const auto& d : vietnam_holidays(year, k_mon_fri, decisions)) {
    out.push_back(date::format("%d/%m ", d.date) + std::string(to_string(d.kind)) +
                  (d.lunar.empty() ? "" : " " + d.lunar));
  }
  return out;
}

std::vector<date::local_days> range(date::local_days from, date::local_days to) {
  std::vector<date::local_days> out;
  for (auto d = from; d <= to; d += date::days{1})
    out.push_back(d);
  return out;
}

/// The decisions for 2025 as announced: Tết 25/01-02/02 (a Saturday to a Sunday), and 2/5
/// swapped for Saturday 26/4.
std::vector<Decision> decisions_2025() {
  Decision tet{2025, Occasion::lunar_new_year, "Tết 2025", {}, {}, {}, {}};
  tet.off = range(ymd(2025, 1, 25), ymd(2025, 2, 2));
  Decision may{2025, Occasion::victory_labour, "30/4 2025", {}, {}, {}, {}};
  may.swap_off = {ymd(2025, 5, 2)};
  may.work = {ymd(2025, 4, 26)};
  return {tet, may};
}

}  // namespace

TEST_CASE("2026 by the rules: Tết, Giỗ Tổ, 30/4, 1/5, 2/9 and compensatory days",
          "[calendar][holidays]") {
  // Tết 2026 is Tuesday 17/02: the lunar year's last two days (Sunday 15/02, 16/02) and mùng
  // 1-3 (17-19/02); 15/02 gives Friday 20/02 off. Giỗ Tổ 26/04 is a Sunday: compensatory
  // Monday 27/04. 2/9 is a Wednesday: 1/9 joins it.
  CHECK(summary(2026) == std::vector<std::string>{
                             "01/01 holiday",
                             "15/02 holiday",
                             "16/02 holiday",
                             "17/02 holiday 1/1",
                             "18/02 holiday",
                             "19/02 holiday",
                             "20/02 compensatory",
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
  // 2022: Tết Tuesday 01/02: Sunday 30/01, 31/01 and mùng 1-3 (01-03/02), and Friday 04/02
  // for the Sunday; 30/04 is a Saturday and 01/05 a Sunday: the next working days after both,
  // Monday 02/05 and Tuesday 03/05, are off. 2/9/2022 is a Friday: 1/9 joins it.
  CHECK(summary(2022) == std::vector<std::string>{
                             "01/01 holiday",
                             "03/01 compensatory",
                             "30/01 holiday",
                             "31/01 holiday",
                             "01/02 holiday 1/1",
                             "02/02 holiday",
                             "03/02 holiday",
                             "04/02 compensatory",
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

TEST_CASE("holidays cover 1995-2100, and other years have none and do not fail",
          "[calendar][holidays]") {
  CHECK(vietnam_holidays(1, k_mon_fri).empty());
  CHECK(vietnam_holidays(1900, k_mon_fri).empty());
  CHECK(vietnam_holidays(1994, k_mon_fri).empty());  // before the Labor Code of 1994
  CHECK_FALSE(vietnam_holidays(1995, k_mon_fri).empty());
  CHECK(vietnam_holidays(2101, k_mon_fri).empty());  // past the checked lunar calendar
  CHECK(vietnam_holidays(9999, k_mon_fri).empty());
  // 2100: Tết is 09/02/2100 (tests/data/vn_lunar_1900_2100.csv, from PyEphem).
  auto days_2100 = vietnam_holidays(2100, k_mon_fri);
  CHECK(std::any_of(days_2100.begin(), days_2100.end(), [](const SpecialDay& d) {
    return d.lunar == "1/1" && d.date == ymd(2100, 2, 9);
  }));
  // The work calendar answers for every year it keeps, 1900-2199, and beyond.
  WorkCalendar calendar(k_mon_fri, true);
  for (int y = 1900; y < 2200; ++y) {
    INFO(y);
    auto first = ymd(y, 1, 1);
    bool weekday = k_mon_fri[date::weekday{first}.c_encoding()];
    // 01/01 is a holiday exactly in the years the law covers.
    CHECK(calendar.is_working_day(first) == (weekday && (y < 1995 || y > 2100)));
  }
  CHECK(calendar.is_working_day(ymd(9999, 1, 1)));  // a Friday
}

TEST_CASE("a yearly decision replaces the fallback rules of its occasion", "[calendar][holidays]") {
  // Decided: the five days of Tết are 27-31/01 and no day after it; 2/5 is swapped for 26/4.
  // Weekend days inside the decided span stay plain weekends; the other occasions keep the
  // rules (2/9 is a Tuesday, so 1/9 joins it).
  CHECK(summary(2025, decisions_2025()) == std::vector<std::string>{
                                               "01/01 holiday",
                                               "27/01 holiday",
                                               "28/01 holiday",
                                               "29/01 holiday 1/1",
                                               "30/01 holiday",
                                               "31/01 holiday",
                                               "07/04 holiday 10/3",
                                               "26/04 swap_work",
                                               "30/04 holiday",
                                               "01/05 holiday",
                                               "02/05 swap_off",
                                               "01/09 holiday",
                                               "02/09 holiday",
                                           });
  auto days = vietnam_holidays(2025, k_mon_fri, decisions_2025());
  auto swap = std::find_if(days.begin(), days.end(),
                           [](const SpecialDay& d) { return d.date == ymd(2025, 5, 2); });
  REQUIRE(swap != days.end());
  CHECK(swap->source == "30/4 2025");
  CHECK(swap->name == "Nghỉ hoán đổi dịp Ngày Chiến thắng và Quốc tế Lao động");
}

TEST_CASE("working days follow the decision: worked Saturdays, swapped days, no extra day",
          "[calendar][holidays]") {
  WorkCalendar decided(k_mon_fri, true, decisions_2025());
  WorkCalendar rules(k_mon_fri, true);
  CHECK(decided.is_working_day(ymd(2025, 4, 26)));  // Saturday, worked
  CHECK_FALSE(rules.is_working_day(ymd(2025, 4, 26)));
  CHECK_FALSE(decided.is_working_day(ymd(2025, 5, 2)));  // Friday, swapped off
  CHECK(rules.is_working_day(ymd(2025, 5, 2)));
  CHECK_FALSE(decided.is_working_day(ymd(2025, 1, 27)));  // 28 Tết, decided
  CHECK(decided.is_working_day(ymd(2025, 2, 3)));         // no nghỉ bù after the decided span
  // Three working days before Monday 05/05/2025: Tuesday 29/04, Monday 28/04, Saturday 26/04.
  CHECK(decided.working_days_before(ymd(2025, 5, 5), 3) == ymd(2025, 4, 26));
  // Across Tết: the working day before Monday 03/02 is Friday 24/01.
  CHECK(decided.previous_working_day(ymd(2025, 2, 3)) == ymd(2025, 1, 24));
}

TEST_CASE("a decided occasion without its nghỉ bù is flagged", "[calendar][holidays]") {
  // Giỗ Tổ 2026 is Sunday 26/04: a decision for it must give a day off in the week after.
  Decision gio_to{2026, Occasion::hung_kings, "Giỗ Tổ 2026", {}, {}, {}, {}};
  auto missing = deadlined::calendar::uncompensated_holidays(2026, k_mon_fri, {gio_to});
  REQUIRE(missing.size() == 1);
  CHECK(missing.front().date == ymd(2026, 4, 26));
  // The decided occasion adds no compensatory day by itself...
  CHECK_FALSE(WorkCalendar(k_mon_fri, true).is_working_day(ymd(2026, 4, 27)));
  CHECK(WorkCalendar(k_mon_fri, true, {gio_to}).is_working_day(ymd(2026, 4, 27)));
  // ...so the decision lists it.
  gio_to.compensatory = {ymd(2026, 4, 27)};
  CHECK(deadlined::calendar::uncompensated_holidays(2026, k_mon_fri, {gio_to}).empty());
  CHECK_FALSE(WorkCalendar(k_mon_fri, true, {gio_to}).is_working_day(ymd(2026, 4, 27)));
  auto decided = summary(2026, {gio_to});
  CHECK(std::find(decided.begin(), decided.end(), "27/04 compensatory") != decided.end());
}
