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

TEST_CASE("a character to escape is found at any offset of a long string", "[codec][json]") {
  // Plain text is skipped several bytes at a time: each character that needs escaping, and
  // harmless ones next to them in value, inserted at every offset of strings of several
  // lengths, after plain ASCII or after Vietnamese UTF-8.
  std::string specials = {'"', '\\', '\0', '\x1f', '\x7f', ' ', '!', '#', '[', ']'};
  for (int c = 1; c < 0x20; ++c)
    specials += static_cast<char>(c);
  for (std::string prefix : {"", "Phòng Tài chính: "}) {
    for (std::size_t length : {0U, 7U, 8U, 9U, 16U, 23U, 40U}) {
      for (char special : specials) {
        for (std::size_t at = 0; at <= length; ++at) {
          std::string value = prefix + std::string(length, 'a');
          value.insert(prefix.size() + at, 1, special);
          value += special;  // and at the end, after a full block or a partial one
          INFO("prefix '" << prefix << "', length " << length << ", character "
                          << static_cast<int>(special) << " at " << at);
          CHECK(JsonObject().add("v", value).finish() == nlohmann::json({{"v", value}}).dump());
        }
      }
    }
  }
}
