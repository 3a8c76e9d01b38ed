#include <catch2/catch.hpp>

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
