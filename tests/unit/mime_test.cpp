// Header fields as RFC 5322 and RFC 2047 want them: line lengths, where encoded-words split,
// and addresses that are never encoded.
#include <catch2/catch.hpp>

#include "codec/base64.hpp"
#include "message/mime.hpp"
#include "support/lines.hpp"

using namespace deadlined;

namespace {

using test::lines_of;

/// The decoded payloads of the encoded-words of a field, in order. Everything else on its
/// lines is the name, whitespace or, after the last word, `rest`.
std::vector<std::string> payloads(const std::vector<std::string>& lines, std::size_t name_length,
                                  std::string* rest = nullptr) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i].substr(i == 0 ? name_length : 0);
    std::size_t pos = 0;
    while (pos < line.size()) {
      if (line[pos] == ' ') {
        ++pos;
        continue;
      }
      if (line.compare(pos, 10, "=?UTF-8?B?") != 0) {
        REQUIRE(rest);
        REQUIRE(i + 1 == lines.size());
        *rest = line.substr(pos);
        break;
      }
      std::size_t end = line.find("?=", pos + 10);
      REQUIRE(end != std::string::npos);
      CHECK(end + 2 - pos <= 75);  // RFC 2047 2: an encoded-word is at most 75 characters
      auto decoded = codec::base64_decode(line.substr(pos + 10, end - pos - 10));
      REQUIRE(decoded);
      out.push_back(*decoded);
      pos = end + 2;
    }
  }
  return out;
}

/// Whether `bytes` is whole UTF-8 sequences (no sequence split at either end).
bool whole_utf8(const std::string& bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > bytes.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts)
    out += p;
  return out;
}

/// Every line of a field with an encoded-word is at most 76 characters (RFC 2047 2).
void check_line_lengths(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    INFO(line);
    CHECK(line.size() <= (line.find("=?") != std::string::npos ? 76u : 78u));
  }
}

/// Each encoded-word after the first begins where a word does: the space between two
/// words is inside a payload, never left to the fold, which decoders drop (RFC 2047 6.2).
void check_split_between_words(const std::vector<std::string>& parts) {
  for (std::size_t i = 1; i < parts.size(); ++i) {
    INFO(parts[i - 1] << "|" << parts[i]);
    CHECK((parts[i - 1].back() == ' ' || parts[i].front() == ' '));
  }
}

}  // namespace

TEST_CASE("a long Vietnamese Subject: lines of 76, encoded-words of whole words", "[mime]") {
  std::string subject =
      "[Gửi muộn] Nhắc việc: Báo cáo kết quả thực hiện nhiệm vụ bảo vệ môi trường, quản lý "
      "tài nguyên nước và khoáng sản năm 2020 (Kế hoạch số 12/KH-STNMT)";
  auto lines = lines_of(message::header_field("Subject", subject));
  REQUIRE(lines.size() > 2);
  CHECK(lines[0].rfind("Subject: =?UTF-8?B?", 0) == 0);
  for (std::size_t i = 1; i < lines.size(); ++i)
    CHECK(lines[i].rfind(" =?UTF-8?B?", 0) == 0);
  check_line_lengths(lines);
  auto parts = payloads(lines, 8);
  CHECK(joined(parts) == subject);
  check_split_between_words(parts);
  for (const auto& part : parts)
    CHECK(whole_utf8(part));
  // The lines are filled: a word goes to the next line only when it does not fit.
  for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    CHECK(lines[i].size() >= 60);
}

TEST_CASE("the Office's name splits between words, not inside 'trường'", "[mime]") {
  // 48 bytes: more than one encoded-word holds. The old encoder cut it after 42 bytes, in
  // the middle of "trường" ("Môi tr" + "ường").
  std::string name = "Văn phòng Sở Tài nguyên và Môi trường";
  auto lines = lines_of(message::address_field("From", name, "vanphong@stnmt.example.gov.vn"));
  check_line_lengths(lines);
  std::string rest;
  auto parts = payloads(lines, 5, &rest);
  REQUIRE(parts.size() == 2);
  CHECK(parts[0] == "Văn phòng Sở Tài nguyên và Môi");
  CHECK(parts[1] == " trường");
  CHECK(rest == "<vanphong@stnmt.example.gov.vn>");
}

TEST_CASE("a word longer than a line splits between UTF-8 sequences only", "[mime]") {
  std::string word;
  for (int i = 0; i < 40; ++i)
    word += "ường";  // 2 + 3 + 1 + 1 bytes: the split points differ from word to word
  std::string value = "Từ " + word + " hết";
  auto lines = lines_of(message::header_field("Subject", value));
  check_line_lengths(lines);
  auto parts = payloads(lines, 8);
  CHECK(joined(parts) == value);
  REQUIRE(parts.size() >= 5);
  for (const auto& part : parts)
    CHECK(whole_utf8(part));
  CHECK(parts.back().ends_with("ường hết"));  // the word's rest, then the next word
}

TEST_CASE("encoded text keeps every space: leading, trailing, doubled", "[mime]") {
  for (std::string value : {" Lặp  lại ", "Đề nghị   khẩn trương", "ĐẦU CUỐI   "}) {
    auto lines = lines_of(message::header_field("Subject", value));
    CHECK(joined(payloads(lines, 8)) == value);
  }
}

TEST_CASE("ASCII text stays plain unless it looks like an encoded-word", "[mime]") {
  CHECK(message::header_field("Subject", "Plain ASCII") == "Subject: Plain ASCII\r\n");
  auto tricky = message::header_field("Subject", "see =?UTF-8?B?QQ==?= here");
  CHECK(tricky.find("see") == std::string::npos);  // encoded, so it decodes to itself
  CHECK(joined(payloads(lines_of(tricky), 8)) == "see =?UTF-8?B?QQ==?= here");
  std::string words;
  for (int i = 0; i < 30; ++i)
    words += "report ";
  auto lines = lines_of(message::header_field("Subject", words));
  REQUIRE(lines.size() > 1);
  check_line_lengths(lines);
}

TEST_CASE("display names: encoded, quoted specials, none", "[mime]") {
  CHECK(message::address_field("From", "Sở TN.MT", "a@b.example") ==
        "From: =?UTF-8?B?" + codec::base64_encode("Sở TN.MT") + "?= <a@b.example>\r\n");
  CHECK(message::address_field("From", "Office, Inc.", "a@b.example") ==
        "From: \"Office, Inc.\" <a@b.example>\r\n");
  CHECK(message::address_field("From", "", "a@b.example") == "From: <a@b.example>\r\n");
}

TEST_CASE("address lists are folded between addresses and never encoded", "[mime]") {
  CHECK(message::address_list_field("To", {"a@b.example"}) == "To: a@b.example\r\n");
  CHECK(message::address_list_field("Cc", {"a@b.example", "c@d.example"}) ==
        "Cc: a@b.example, c@d.example\r\n");
  std::vector<std::string> many;
  for (int i = 0; i < 8; ++i)
    many.push_back("phong-" + std::to_string(i) + "@stnmt.tphcm.gov.vn");
  auto field = message::address_list_field("To", many);
  CHECK(field.find("=?") == std::string::npos);
  auto lines = lines_of(field);
  REQUIRE(lines.size() > 1);
  check_line_lengths(lines);
  for (std::size_t i = 1; i < lines.size(); ++i)
    CHECK(lines[i].rfind(" phong-", 0) == 0);
}
