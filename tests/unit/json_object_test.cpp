#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "codec/json_object.hpp"

using deadlined::codec::JsonObject;

TEST_CASE("a JSON object is written as nlohmann::json dumps it", "[codec][json]") {
  // Every ASCII character, the control characters among them, and Vietnamese UTF-8.
  std::string ascii;
  for (int c = 1; c < 128; ++c)
    ascii += static_cast<char>(c);
  std::string vietnamese = "Kính gửi: Sở Tài nguyên và Môi trường — \"Báo cáo\" \\ quý III/2026";
  std::int64_t big = std::numeric_limits<std::int64_t>::max();
  std::int64_t small = std::numeric_limits<std::int64_t>::min();

  std::string written = JsonObject()
                            .add("id", "nct.dang-tin.20201009.3wd.cntt")
                            .add("ascii", ascii)
                            .add("text", vietnamese)
                            .add("empty", "")
                            .add("late", true)
                            .add("early", false)
                            .add("overdue_days", 0)
                            .add("negative", -17)
                            .add("big", big)
                            .add("small", small)
                            .add("tên \"lạ\"\n", std::string("nul\0inside", 10))
                            .finish();

  nlohmann::ordered_json expected = {
      {"id", "nct.dang-tin.20201009.3wd.cntt"},
      {"ascii", ascii},
      {"text", vietnamese},
      {"empty", ""},
      {"late", true},
      {"early", false},
      {"overdue_days", 0},
      {"negative", -17},
      {"big", big},
      {"small", small},
      {"tên \"lạ\"\n", std::string("nul\0inside", 10)},
  };
  CHECK(written == expected.dump());
  // Members keep the order they were added in.
  CHECK(written.rfind("{\"id\":", 0) == 0);
  CHECK(nlohmann::json::parse(written)["ascii"] == ascii);
}

TEST_CASE("an object without members is {}", "[codec][json]") {
  CHECK(JsonObject().finish() == "{}");
  JsonObject reused;
  reused.add("a", 1);
  CHECK(reused.finish() == "{\"a\":1}");
  CHECK(reused.finish() == "{}");
}
