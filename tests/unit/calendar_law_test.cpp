#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "calendar/holidays.hpp"
#include "calendar/lunar.hpp"
#include "calendar/work_calendar.hpp"
#include "config/holiday_file.hpp"
#include "support/days.hpp"

// Each year follows the Labor Code in force on each holiday, and the shipped decisions
// (config/holidays/vietnam.toml) say what the Government decided.

using deadlined::calendar::Decision;
using deadlined::calendar::Occasion;
using deadlined::calendar::SpecialDay;
using deadlined::calendar::vietnam_holidays;
using deadlined::calendar::WorkCalendar;

namespace {

using deadlined::test::k_mon_fri;
using deadlined::test::ymd;

bool is_weekday(date::local_days day) {
  return k_mon_fri[date::weekday{day}.c_encoding()];
}

/// The decisions of the shipped holidays file; the test fails if it does not load cleanly.
std::vector<Decision> shipped_decisions() {
  deadlined::config::ServiceConfig service;
  deadlined::config::detail::DecisionPlaces places;
  std::vector<deadlined::config::Diagnostic> diagnostics;
  deadlined::config::detail::load_holiday_file(
      DEADLINED_TEST_DATA_DIR "/../../config/holidays/vietnam.toml", service, places, diagnostics);
  for (const auto& d : diagnostics)
    UNSCOPED_INFO(d.to_string());
  REQUIRE(diagnostics.empty());
  return service.decisions;
}

/// The weekdays off for `occasion` in `year` as holidays or compensatory days (not swaps).
std::set<date::local_days> weekdays_off(int year, Occasion occasion,
                                        const std::vector<Decision>& decisions) {
  std::set<date::local_days> out;
  for (const SpecialDay& d : vietnam_holidays(year, k_mon_fri, decisions)) {
    bool off = d.kind == SpecialDay::Kind::holiday || d.kind == SpecialDay::Kind::compensatory;
    if (d.occasion == occasion && off && is_weekday(d.date)) out.insert(d.date);
  }
  return out;
}

const SpecialDay* find_day(const std::vector<SpecialDay>& days, date::local_days day) {
  auto it = std::find_if(days.begin(), days.end(), [&](const auto& d) { return d.date == day; });
  return it == days.end() ? nullptr : &*it;
}

std::string dates(const std::set<date::local_days>& days) {
  std::string out;
  for (auto d : days)
    out += date::format("%d/%m ", d);
  return out;
}

}  // namespace

TEST_CASE("the shipped 2026 decisions: 02/01 and 31/08 off, Saturdays 10/01 and 22/08 worked",
          "[calendar][holidays][law]") {
  WorkCalendar calendar(k_mon_fri, true, shipped_decisions());
  // Tết Dương lịch (12729/VPCP-KGVX): Friday 02/01 swapped for Saturday 10/01.
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 1, 1)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 1, 2)));
  CHECK(calendar.is_working_day(ymd(2026, 1, 10)));
  CHECK(calendar.next_working_day(ymd(2025, 12, 31)) == ymd(2026, 1, 5));
  // Quốc khánh: 29/08-02/09 off, Monday 31/08 swapped for Saturday 22/08, 01/09 adjacent.
  CHECK(calendar.is_working_day(ymd(2026, 8, 22)));
  CHECK(calendar.on_or_before(ymd(2026, 8, 22)) == ymd(2026, 8, 22));  // a deadline stays
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 8, 31)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 9, 1)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 9, 2)));
  CHECK(calendar.is_working_day(ymd(2026, 9, 3)));
  CHECK(calendar.is_working_day(ymd(2026, 8, 28)));
  // A "1wd" reminder before a deadline of 03/09 falls on Friday 28/08, not on 31/08.
  CHECK(calendar.working_days_before(ymd(2026, 9, 3), 1) == ymd(2026, 8, 28));
  // Giỗ Tổ (Sunday 26/04) and 30/4-1/5 follow the law: 27/04 and 30/04-01/05 off.
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 4, 27)));
  CHECK(calendar.is_working_day(ymd(2026, 4, 28)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 4, 30)));
  CHECK_FALSE(calendar.is_working_day(ymd(2026, 5, 1)));
  CHECK(calendar.is_working_day(ymd(2026, 5, 4)));
  // Tết Nguyên Đán: 16-20/02.
  CHECK(calendar.is_working_day(ymd(2026, 2, 13)));
  for (auto d = ymd(2026, 2, 16); d <= ymd(2026, 2, 20); d += date::days{1})
    CHECK_FALSE(calendar.is_working_day(d));
  CHECK(calendar.is_working_day(ymd(2026, 2, 23)));
  // The swapped and worked days name their decision.
  auto days = calendar.special_days(2026);
  for (auto day : {ymd(2026, 1, 2), ymd(2026, 1, 10)}) {
    const SpecialDay* d = find_day(days, day);
    REQUIRE(d);
    CHECK(d->source.find("12729/VPCP-KGVX") != std::string::npos);
  }
  for (auto day : {ymd(2026, 8, 22), ymd(2026, 8, 31)}) {
    const SpecialDay* d = find_day(days, day);
    REQUIRE(d);
    CHECK(d->source.find("9441") != std::string::npos);
  }
}

TEST_CASE("the Tết fallback gives the days of every Tết decision in the shipped file",
          "[calendar][holidays][law]") {
  auto decisions = shipped_decisions();
  std::set<int> years;
  for (const Decision& decision : decisions) {
    if (decision.occasion != Occasion::lunar_new_year) continue;
    years.insert(decision.year);
    std::vector<Decision> others;
    for (const Decision& d : decisions) {
      if (&d != &decision) others.push_back(d);
    }
    // Swaps (swap_off, work) are decisions of their own that no rule predicts; the days off
    // as holidays and nghỉ bù are compared.
    auto by_rule = weekdays_off(decision.year, Occasion::lunar_new_year, others);
    auto decided = weekdays_off(decision.year, Occasion::lunar_new_year, decisions);
    INFO("Tết " << decision.year << ": fallback " << dates(by_rule) << "; decided "
                << dates(decided));
    if (decision.year == 2014) {
      // The one exception: 2014 placed the five days at 30 tháng Chạp-mùng 4 (one day before
      // Tết and four after, the other placing the 2012 code's guidance allowed), so the
      // fallback's 29 tháng Chạp (29/01, swapped off anyway) stands for mùng 6 (05/02).
      CHECK(by_rule != decided);
      by_rule.erase(ymd(2014, 1, 29));
      by_rule.insert(ymd(2014, 2, 5));
    }
    CHECK(by_rule == decided);
  }
  // Every weekday of mùng 1 occurs in 2013-2026; the comparison is not vacuous.
  std::set<int> expected;
  for (int y = 2013; y <= 2026; ++y)
    expected.insert(y);
  CHECK(years == expected);
}

TEST_CASE("a Saturday mùng 1 (2024): Thursday 08/02 to Wednesday 14/02 by the fallback",
          "[calendar][holidays][law]") {
  // The last two days of the lunar year (08, 09/02), mùng 1-3 (10-12/02), nghỉ bù for the
  // Saturday and the Sunday after the span (13, 14/02): Thông báo 5015/TB-LĐTBXH.
  std::set<date::local_days> expected{ymd(2024, 2, 8), ymd(2024, 2, 9), ymd(2024, 2, 12),
                                      ymd(2024, 2, 13), ymd(2024, 2, 14)};
  CHECK(weekdays_off(2024, Occasion::lunar_new_year, {}) == expected);
  WorkCalendar calendar(k_mon_fri, true);
  CHECK(calendar.is_working_day(ymd(2024, 2, 7)));
  CHECK(calendar.is_working_day(ymd(2024, 2, 15)));
}

TEST_CASE("2010-2020: Quốc khánh is one day under the 1994 and 2012 codes, two from 2021",
          "[calendar][holidays][law]") {
  WorkCalendar calendar(k_mon_fri, true);
  for (int year = 2010; year <= 2022; ++year) {
    INFO(year);
    // The days off around 2/9: 2/9 and, when it is a Saturday or a Sunday, the next Monday;
    // from 2021 also the adjacent day.
    auto national = ymd(year, 9, 2);
    std::set<date::local_days> expected{national};
    date::weekday weekday{national};
    if (weekday == date::Saturday) expected.insert(national + date::days{2});
    if (weekday == date::Sunday) expected.insert(national + date::days{1});
    if (year >= 2021) {
      bool before = weekday == date::Tuesday || weekday == date::Wednesday ||
                    weekday == date::Friday || weekday == date::Saturday;
      expected.insert(before ? national - date::days{1} : national + date::days{1});
    }
    std::set<date::local_days> off;
    for (auto d = ymd(year, 8, 29); d <= ymd(year, 9, 6); d += date::days{1}) {
      if (is_weekday(d) && !calendar.is_working_day(d)) off.insert(d);
    }
    std::set<date::local_days> expected_weekdays;
    for (auto d : expected) {
      if (is_weekday(d)) expected_weekdays.insert(d);
    }
    CHECK(off == expected_weekdays);
  }
  // The cases: 2012 and 2018 (2/9 a Sunday): 03/09 off, 04/09 worked; 2020: no 01/09.
  CHECK_FALSE(calendar.is_working_day(ymd(2012, 9, 3)));
  CHECK(calendar.is_working_day(ymd(2012, 9, 4)));
  CHECK_FALSE(calendar.is_working_day(ymd(2018, 9, 3)));
  CHECK(calendar.is_working_day(ymd(2018, 9, 4)));
  CHECK(calendar.is_working_day(ymd(2020, 9, 1)));
  auto days_2020 = vietnam_holidays(2020, k_mon_fri);
  CHECK_FALSE(find_day(days_2020, ymd(2020, 9, 1)));
  REQUIRE(find_day(days_2020, ymd(2020, 9, 2)));
  CHECK(find_day(days_2020, ymd(2020, 9, 2))->source == "Bộ luật Lao động 2012, Điều 115");
  auto days_2018 = vietnam_holidays(2018, k_mon_fri);
  REQUIRE(find_day(days_2018, ymd(2018, 9, 3)));
  CHECK(find_day(days_2018, ymd(2018, 9, 3))->source == "Bộ luật Lao động 2012, Điều 115 khoản 3");
  CHECK_FALSE(find_day(days_2018, ymd(2018, 9, 4)));
}

TEST_CASE("Tết is four days before 01/05/2013 and five after, and Giỗ Tổ a holiday from 2007",
          "[calendar][holidays][law]") {
  for (int year = 1995; year <= 2026; ++year) {
    INFO(year);
    auto tet = deadlined::calendar::from_lunar({year, 1, 1, false});
    REQUIRE(tet);
    auto days = vietnam_holidays(year, k_mon_fri);
    // The holidays of Tết (before nghỉ bù) are consecutive days ending with mùng 3.
    std::vector<date::local_days> tet_days;
    for (const SpecialDay& d : days) {
      if (d.occasion == Occasion::lunar_new_year && d.kind == SpecialDay::Kind::holiday)
        tet_days.push_back(d.date);
    }
    const std::size_t length = year <= 2013 ? 4 : 5;
    REQUIRE(tet_days.size() == length);
    CHECK(tet_days.back() == *tet + date::days{2});
    CHECK(tet_days.front() == *tet - date::days{static_cast<int>(length) - 3});
    auto gio_to = deadlined::calendar::from_lunar({year, 3, 10, false});
    REQUIRE(gio_to);
    CHECK((find_day(days, *gio_to) != nullptr) == (year >= 2007));
  }
  // Each holiday names the law in force on its day: 30/04/2013 the 1994 code, 01/05/2013 the
  // 2012 code.
  auto days_2013 = vietnam_holidays(2013, k_mon_fri);
  REQUIRE(find_day(days_2013, ymd(2013, 4, 30)));
  REQUIRE(find_day(days_2013, ymd(2013, 5, 1)));
  CHECK(find_day(days_2013, ymd(2013, 4, 30))->source ==
        "Bộ luật Lao động 1994, Điều 73 (sửa đổi theo Luật số 84/2007/QH11)");
  CHECK(find_day(days_2013, ymd(2013, 5, 1))->source == "Bộ luật Lao động 2012, Điều 115");
  auto days_2000 = vietnam_holidays(2000, k_mon_fri);
  REQUIRE(find_day(days_2000, ymd(2000, 1, 1)));
  CHECK(find_day(days_2000, ymd(2000, 1, 1))->source == "Bộ luật Lao động 1994, Điều 73");
  auto days_2024 = vietnam_holidays(2024, k_mon_fri);
  REQUIRE(find_day(days_2024, ymd(2024, 9, 2)));
  CHECK(find_day(days_2024, ymd(2024, 9, 2))->source == "Bộ luật Lao động 2019, Điều 112");
}

TEST_CASE("a decision that places Tết otherwise replaces the fallback (2014)",
          "[calendar][holidays][law]") {
  // By the 2012 code's fallback: 29/01-31/01 and mùng 2-3 (Saturday, Sunday), nghỉ bù 03/02,
  // 04/02. The decision: 30/01-03/02, nghỉ bù 04/02, 05/02; 28/01, 29/01 swapped for the
  // Saturdays 25/01 and 08/02.
  Decision tet{2014, Occasion::lunar_new_year, "Tết 2014", {}, {}, {}, {}};
  tet.off = {ymd(2014, 1, 30), ymd(2014, 2, 3)};
  tet.compensatory = {ymd(2014, 2, 4), ymd(2014, 2, 5)};
  tet.swap_off = {ymd(2014, 1, 28), ymd(2014, 1, 29)};
  tet.work = {ymd(2014, 1, 25), ymd(2014, 2, 8)};
  WorkCalendar rules(k_mon_fri, true);
  WorkCalendar decided(k_mon_fri, true, {tet});
  CHECK_FALSE(rules.is_working_day(ymd(2014, 1, 29)));
  CHECK(rules.is_working_day(ymd(2014, 2, 5)));
  CHECK(rules.is_working_day(ymd(2014, 1, 28)));
  CHECK_FALSE(decided.is_working_day(ymd(2014, 2, 5)));
  CHECK_FALSE(decided.is_working_day(ymd(2014, 1, 28)));
  CHECK(decided.is_working_day(ymd(2014, 1, 25)));
  CHECK(decided.is_working_day(ymd(2014, 2, 8)));
  auto days = vietnam_holidays(2014, k_mon_fri, {tet});
  REQUIRE(find_day(days, ymd(2014, 1, 29)));
  CHECK(find_day(days, ymd(2014, 1, 29))->kind == SpecialDay::Kind::swap_off);
  CHECK(find_day(days, ymd(2014, 1, 29))->source == "Tết 2014");
}

TEST_CASE("a decision's year is one whose holidays are known: 1995-2100",
          "[calendar][holidays][law]") {
  auto dir = std::filesystem::temp_directory_path() / "deadlined-calendar-law-test";
  std::filesystem::create_directories(dir);
  auto load = [&](int year) {
    auto file = dir / "decision.toml";
    std::ofstream(file) << "[[decision]]\nyear = " << year
                        << "\noccasion = \"tet-duong-lich\"\nsource = \"Văn bản thử\"\n";
    deadlined::config::ServiceConfig service;
    deadlined::config::detail::DecisionPlaces places;
    std::vector<deadlined::config::Diagnostic> diagnostics;
    deadlined::config::detail::load_holiday_file(file, service, places, diagnostics);
    std::vector<std::string> out;
    for (const auto& d : diagnostics)
      out.push_back(d.to_string());
    return out;
  };
  CHECK(load(2100).empty());
  CHECK(load(1995).empty());
  for (int year : {1994, 2101}) {
    auto diagnostics = load(year);
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0] == (dir / "decision.toml").string() +
                                ":2:8: error: 'year' trong [[decision]] phải là một năm từ "
                                "1995 đến 2100");
  }
  std::filesystem::remove_all(dir);
}
