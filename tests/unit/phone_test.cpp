#include <catch2/catch.hpp>

#include <string>

#include "config/phone.hpp"

using deadlined::config::normalize_phone;

namespace {
constexpr std::string_view kRule =
    "số di động Việt Nam có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09";

// The reason normalize_phone gives for refusing `written` ("" when it accepts it).
std::string why_refused(std::string_view written) {
  std::string why;
  const auto normalized = normalize_phone(written, &why);
  CHECK_FALSE(normalized);
  return normalized ? std::string() : why;
}
}  // namespace

TEST_CASE("normalize_phone accepts Vietnamese mobile numbers as written", "[phone]") {
  const auto [written, expected] = GENERATE(table<std::string, std::string>({
      {"0912345678", "84912345678"},
      {"0912 345 678", "84912345678"},
      {"091.234.5678", "84912345678"},
      {"091-234-5678", "84912345678"},
      {"+84 912 345 678", "84912345678"},
      {"+84912345678", "84912345678"},
      {"84912345678", "84912345678"},
      {"+84 0912 345 678", "84912345678"},
      {" 0912345678 ", "84912345678"},
      {"0321234567", "84321234567"},
      {"0561234567", "84561234567"},
      {"0701234567", "84701234567"},
      {"0861234567", "84861234567"},
      {"0991234567", "84991234567"},
  }));
  CAPTURE(written);
  std::string why = "untouched";
  const auto normalized = normalize_phone(written, &why);
  if (expected.empty()) {
    CHECK_FALSE(normalized);
  } else {
    REQUIRE(normalized);
    CHECK(*normalized == expected);
    CHECK(why == "untouched");
  }
  CHECK(normalize_phone(written).has_value() == !expected.empty());  // why may be null
}

TEST_CASE("normalize_phone refuses a wrong length", "[phone]") {
  CHECK(why_refused("0912 345 67") ==
        "số điện thoại '0912 345 67' không hợp lệ: có 9 chữ số thay vì 10; " + std::string(kRule));
  CHECK(why_refused("09123456789").find("có 11 chữ số thay vì 10") != std::string::npos);
  CHECK(why_refused("+84 91234567").find("có 9 chữ số thay vì 10") != std::string::npos);
  CHECK(why_refused("0").find("có 1 chữ số thay vì 10") != std::string::npos);
  CHECK(why_refused("").find("không có chữ số nào") != std::string::npos);
  CHECK(why_refused(" . - ").find("không có chữ số nào") != std::string::npos);
}

TEST_CASE("normalize_phone refuses a wrong prefix", "[phone]") {
  CHECK(why_refused("0123 456 789") ==
        "số điện thoại '0123 456 789' không hợp lệ: đầu số 01x không còn là của mạng di động: "
        "các thuê bao 11 chữ số đầu 01x đã được chuyển sang 10 chữ số từ năm 2018; " +
            std::string(kRule));
  CHECK(why_refused("0412345678").find("đầu số 04 không phải của mạng di động") !=
        std::string::npos);
  CHECK(why_refused("0612345678").find("đầu số 06") != std::string::npos);
  CHECK(why_refused("0012345678").find("đầu số 00") != std::string::npos);
  CHECK(why_refused("912345678").find("phải bắt đầu bằng 0, +84 hoặc 84") != std::string::npos);
  CHECK(why_refused("+1 202 555 0100").find("chỉ nhận mã quốc gia +84") != std::string::npos);
}

TEST_CASE("normalize_phone refuses old 11-digit 01x numbers, naming the new code", "[phone]") {
  const std::string why = why_refused("0169 933 3999");
  CHECK(why.find("đã được chuyển sang 10 chữ số từ năm 2018") != std::string::npos);
  CHECK(why.find("đầu số 0169 đổi thành 039, số mới là 039 9333999") != std::string::npos);
  CHECK(why_refused("01204567890").find("0120 đổi thành 070") != std::string::npos);
  CHECK(why_refused("+84 129 822 2888").find("0129 đổi thành 082") != std::string::npos);
  CHECK(why_refused("01995959999").find("0199 đổi thành 059") != std::string::npos);
  // An 01x code that was never a mobile code: the conversion, without a new number.
  const std::string unknown = why_refused("01101234567");
  CHECK(unknown.find("năm 2018") != std::string::npos);
  CHECK(unknown.find("số mới") == std::string::npos);
}

TEST_CASE("normalize_phone refuses landlines", "[phone]") {
  CHECK(why_refused("024 3825 1234") ==
        "số điện thoại '024 3825 1234' không hợp lệ: đây là số điện thoại cố định (mã vùng "
        "02x), không nhận được tin nhắn; " +
            std::string(kRule));
  CHECK(why_refused("+84 28 3829 1234").find("cố định") != std::string::npos);
}

TEST_CASE("normalize_phone refuses letters and other characters", "[phone]") {
  const std::string reason =
      "chỉ được gồm chữ số, có thể nhóm bằng dấu cách, dấu chấm hoặc gạch ngang, và có thể bắt "
      "đầu bằng +84; " +
      std::string(kRule);
  CHECK(why_refused("0912 345 67a") == "số điện thoại '0912 345 67a' không hợp lệ: " + reason);
  CHECK(why_refused("(091) 234 5678").find(reason) != std::string::npos);
  CHECK(why_refused("0912/345/678").find(reason) != std::string::npos);
  CHECK(why_refused("0912+345678").find(reason) != std::string::npos);
  CHECK(why_refused("++84912345678").find(reason) != std::string::npos);
  CHECK(why_refused("091２345678").find(reason) != std::string::npos);  // fullwidth digit
  CHECK(why_refused("tel:0912345678").find(reason) != std::string::npos);
}

TEST_CASE("normalize_phone quotes bad input safely", "[phone]") {
  CHECK(why_refused("09\xFF\n")
            .starts_with("số điện thoại '09?"
                         "?' không hợp lệ"));
  const std::string long_text(100, 'x');
  CHECK(why_refused(long_text).starts_with("số điện thoại '" + std::string(40, 'x') + "...'"));
  CHECK(why_refused("số").starts_with("số điện thoại 'số' không hợp lệ"));
}
