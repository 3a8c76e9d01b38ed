#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "calendar/lunar.hpp"

using deadlined::calendar::from_lunar;
using deadlined::calendar::leap_month;
using deadlined::calendar::LunarDate;
using deadlined::calendar::to_lunar;

namespace {

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

date::local_days parse_iso(const std::string& text) {
  std::istringstream in(text);
  date::local_days day;
  in >> date::parse("%F", day);
  REQUIRE_FALSE(in.fail());
  return day;
}

}  // namespace

TEST_CASE("Tết, Giỗ Tổ and leap months match the published values", "[calendar][lunar]") {
  // From the issue (the Government's announced holidays, 2020-2029).
  const std::vector<std::pair<int, date::local_days>> tet = {
      {2020, ymd(2020, 1, 25)}, {2021, ymd(2021, 2, 12)}, {2022, ymd(2022, 2, 1)},
      {2023, ymd(2023, 1, 22)}, {2024, ymd(2024, 2, 10)}, {2025, ymd(2025, 1, 29)},
      {2026, ymd(2026, 2, 17)}, {2027, ymd(2027, 2, 6)},  {2028, ymd(2028, 1, 26)},
      {2029, ymd(2029, 2, 13)}};
  for (const auto& [year, day] : tet) {
    INFO("Tết " << year);
    CHECK(from_lunar({year, 1, 1, false}) == day);
    CHECK(to_lunar(day) == LunarDate{year, 1, 1, false});
  }
  const std::vector<std::pair<int, date::local_days>> gio_to = {
      {2020, ymd(2020, 4, 2)},  {2021, ymd(2021, 4, 21)}, {2022, ymd(2022, 4, 10)},
      {2023, ymd(2023, 4, 29)}, {2024, ymd(2024, 4, 18)}, {2025, ymd(2025, 4, 7)},
      {2026, ymd(2026, 4, 26)}};
  for (const auto& [year, day] : gio_to) {
    INFO("Giỗ Tổ " << year);
    CHECK(from_lunar({year, 3, 10, false}) == day);
  }
  CHECK(leap_month(2020) == 4);
  CHECK(leap_month(2023) == 2);
  CHECK(leap_month(2025) == 6);
  CHECK(leap_month(2028) == 5);
  CHECK(leap_month(2033) == 11);
  CHECK(leap_month(2024) == 0);
  CHECK(leap_month(2026) == 0);
}

TEST_CASE("years where Vietnam (UTC+7) and China (UTC+8) differ", "[calendar][lunar]") {
  CHECK(from_lunar({1968, 1, 1, false}) == ymd(1968, 1, 29));  // China: 30/01/1968
  CHECK(from_lunar({1985, 1, 1, false}) == ymd(1985, 1, 21));  // China: 20/02/1985
  CHECK(from_lunar({2007, 1, 1, false}) == ymd(2007, 2, 17));  // China: 18/02/2007
  CHECK(from_lunar({2030, 1, 1, false}) == ymd(2030, 2, 2));   // China: 03/02/2030
}

TEST_CASE("leap months and invalid dates", "[calendar][lunar]") {
  // 2020 repeats month 4: the leap month follows the regular one.
  auto regular = from_lunar({2020, 4, 1, false});
  auto leap = from_lunar({2020, 4, 1, true});
  REQUIRE(regular);
  REQUIRE(leap);
  CHECK(*leap > *regular);
  CHECK(to_lunar(*leap) == LunarDate{2020, 4, 1, true});
  CHECK(from_lunar({2020, 5, 1, false}) > leap);
  CHECK_FALSE(from_lunar({2020, 5, 1, true}));  // no leap month 5 in 2020
  CHECK_FALSE(from_lunar({2021, 4, 1, true}));  // no leap month in 2021
  CHECK_FALSE(from_lunar({2020, 13, 1, false}));
  CHECK_FALSE(from_lunar({2020, 1, 31, false}));
}

TEST_CASE("1900-2100 agree with an independent ephemeris, and every day round-trips",
          "[calendar][lunar]") {
  // tests/data/vn_lunar_1900_2100.csv comes from tests/data/gen_vn_lunar.py: PyEphem's
  // new moons and solar longitudes (libastro, not our formulas) with the same rules.
  std::ifstream in(DEADLINED_TEST_DATA_DIR "/vn_lunar_1900_2100.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  int years = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string year, tet, gio_to, leap;
    std::getline(fields, year, ',');
    std::getline(fields, tet, ',');
    std::getline(fields, gio_to, ',');
    std::getline(fields, leap, ',');
    int y = std::stoi(year);
    INFO("lunar year " << y);
    CHECK(from_lunar({y, 1, 1, false}) == parse_iso(tet));
    CHECK(from_lunar({y, 3, 10, false}) == parse_iso(gio_to));
    CHECK(leap_month(y) == std::stoi(leap));
    ++years;
  }
  CHECK(years == 201);

  int mismatches = 0;
  for (auto day = ymd(1900, 2, 1); day < ymd(2100, 12, 1); day += date::days{1}) {
    LunarDate lunar = to_lunar(day);
    if (from_lunar(lunar) != day) ++mismatches;
  }
  CHECK(mismatches == 0);
}
