#include <catch2/catch.hpp>

#include "cli/ack.hpp"
#include "cli/when.hpp"
#include "message/time_format.hpp"

using deadlined::cli::parse_when;

TEST_CASE("preview windows: dates, local and offset date-times", "[cli]") {
  const auto* zone = date::locate_zone("Asia/Ho_Chi_Minh");
  auto iso = [&](std::string_view text, bool end) {
    auto t = parse_when(text, zone, end);
    return t ? deadlined::message::iso8601(zone, *t) : std::string("invalid");
  };
  CHECK(iso("2020-11-03", false) == "2020-11-03T00:00:00+07:00");
  CHECK(iso("2020-11-03", true) == "2020-11-04T00:00:00+07:00");
  CHECK(iso("2020-11-03T08:30", false) == "2020-11-03T08:30:00+07:00");
  CHECK(iso("2020-11-03T08:30:15", false) == "2020-11-03T08:30:15+07:00");
  CHECK(iso("2020-11-03T01:00:00Z", false) == "2020-11-03T08:00:00+07:00");
  CHECK(iso("2020-11-03T08:00:00+09:00", false) == "2020-11-03T06:00:00+07:00");
  CHECK(iso("2020-11-03T08:00:00-01:30", false) == "2020-11-03T16:30:00+07:00");
  for (const char* bad : {"", "2020-13-01", "03/11/2020", "2020-11-03 08:00", "2020-11-03T08:00+7",
                          "2020-11-03T08:00:00+07:0x"}) {
    CHECK(iso(bad, false) == "invalid");
  }
}

TEST_CASE("ack's occurrence may be the due day written as a date", "[cli]") {
  using deadlined::cli::occurrence_id;
  CHECK(occurrence_id("2026-12-08") == "20261208");
  CHECK(occurrence_id("20261208") == "20261208");
  CHECK(occurrence_id("2026-08") == "2026-08");
  CHECK(occurrence_id("2026-Q3") == "2026-Q3");
  CHECK(occurrence_id("2026-H1-01") == "2026-H1-01");  // not a date: as written
}
