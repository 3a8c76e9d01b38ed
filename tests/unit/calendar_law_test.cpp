#include <catch2/catch.hpp>

#include "calendar/holidays.hpp"
#include "calendar/work_calendar.hpp"
#include "config/holiday_file.hpp"

// The shipped decisions (config/holidays/vietnam.toml) say what the Government decided.

using deadlined::calendar::Decision;
using deadlined::calendar::SpecialDay;
using deadlined::calendar::WorkCalendar;

namespace {

const std::array<bool, 7> k_mon_fri{false, true, true, true, true, true, false};

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
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

const SpecialDay* find_day(const std::vector<SpecialDay>& days, date::local_days day) {
  auto it = std::find_if(days.begin(), days.end(), [&](const auto& d) { return d.date == day; });
  return it == days.end() ? nullptr : &*it;
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
