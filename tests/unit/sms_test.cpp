#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "message/sms.hpp"

using deadlined::message::fit_length;
using deadlined::message::fold_ascii;
using deadlined::message::sms_size;

namespace {
std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i)
    out += piece;
  return out;
}
}  // namespace

TEST_CASE("fold_ascii folds Vietnamese sentences", "[sms]") {
  CHECK(fold_ascii("Đề nghị Phòng Tài nguyên nước báo cáo trước ngày 04/11/2020") ==
        "De nghi Phong Tai nguyen nuoc bao cao truoc ngay 04/11/2020");
  CHECK(fold_ascii("Sở Tư pháp đôn đốc Ủy ban nhân dân các xã, phường") ==
        "So Tu phap don doc Uy ban nhan dan cac xa, phuong");
  CHECK(
      fold_ascii("ă â đ ê ô ơ ư ạ ả ã ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ") ==
      "a a d e o o u a a a a a a a a e e e e e o o o o o o o o o o u u u u u y y y y");
}

TEST_CASE("fold_ascii folds uppercase letters with marks", "[sms]") {
  CHECK(fold_ascii("ĐƯỜNG TRƯỜNG SƠN, ỦY BAN, ẤP Ổ") == "DUONG TRUONG SON, UY BAN, AP O");
  CHECK(fold_ascii("ĂÂĐÊÔƠƯ ẠẢÃÁÀ ỲỶỸỴÝ") == "AADEOOU AAAAA YYYYY");
}

TEST_CASE("fold_ascii folds text in NFD (decomposed marks)", "[sms]") {
  // "Đề nghị" and "ư" written as base letter + combining marks.
  CHECK(fold_ascii("\xC4\x90"
                   "e\xCC\x82\xCC\x80 nghi\xCC\xA3 u\xCC\x9B"
                   "o\xCC\x9B") == "De nghi uo");
}

TEST_CASE("fold_ascii folds typographic punctuation", "[sms]") {
  CHECK(fold_ascii("“Khẩn” – hạn chót… ‘đúng hạn’ — xong") ==
        "\"Khan\" - han chot... 'dung han' - xong");
}

TEST_CASE("fold_ascii turns what it cannot fold into '?'", "[sms]") {
  CHECK(fold_ascii("日本") == "??");
  CHECK(fold_ascii("Москва") == "??????");
  CHECK(fold_ascii("a😀b") == "a?b");
  CHECK(fold_ascii("giá 5 €") == "gia 5 ?");
  CHECK(fold_ascii("") == "");
  CHECK(fold_ascii("plain ASCII {} ~ 100%") == "plain ASCII {} ~ 100%");
}

TEST_CASE("fold_ascii survives invalid UTF-8", "[sms]") {
  const std::string bad[] = {
      "\xFF", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", std::string("x\0y", 3)};
  for (const auto& text : bad) {
    const std::string folded = fold_ascii(text);
    for (const char c : folded)
      CHECK(static_cast<unsigned char>(c) < 0x80);
  }
  CHECK(fold_ascii("a\xFF"
                   "b") == "a?b");
  CHECK(fold_ascii(std::string("x\0y", 3)) == std::string("x\0y", 3));
}

TEST_CASE("fold_ascii works from several threads at once", "[sms]") {
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (std::size_t t = 0; t < good.size(); ++t)
    threads.emplace_back([&good, t] {
      for (int i = 0; i < 50; ++i)
        good[t] += fold_ascii("Đề nghị báo cáo") == "De nghi bao cao";
    });
  for (auto& thread : threads)
    thread.join();
  for (const int count : good)
    CHECK(count == 50);
}

TEST_CASE("sms_size counts GSM-7 segments at 160 and 153", "[sms]") {
  CHECK(sms_size("").segments == 0);
  CHECK(sms_size("").units == 0);
  const auto one = sms_size(repeat("a", 160));
  CHECK(one.gsm7);
  CHECK(one.units == 160);
  CHECK(one.segments == 1);
  CHECK(sms_size(repeat("a", 161)).segments == 2);
  CHECK(sms_size(repeat("a", 306)).segments == 2);
  CHECK(sms_size(repeat("a", 307)).segments == 3);
  CHECK(sms_size(repeat("a", 459)).segments == 3);
  CHECK(sms_size(repeat("a", 460)).segments == 4);
  // The basic table beyond ASCII stays GSM-7.
  const auto accents = sms_size("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà");
  CHECK(accents.gsm7);
  CHECK(accents.units == 42);
}

TEST_CASE("sms_size counts extension characters as two septets", "[sms]") {
  for (const std::string_view c : {"^", "{", "}", "\\", "[", "~", "]", "|", "€"}) {
    const auto size = sms_size(c);
    CHECK(size.gsm7);
    CHECK(size.units == 2);
  }
  CHECK(sms_size(repeat("a", 158) + "{").segments == 1);  // 160 septets
  CHECK(sms_size(repeat("a", 159) + "{").segments == 2);  // 161 septets
  CHECK(sms_size(repeat("€", 80)).units == 160);
  CHECK(sms_size(repeat("€", 80)).segments == 1);
  // 306 septets, but the escape and its character stay in one segment: 152 | 2+151 | 1.
  const auto straddling = sms_size(repeat("a", 152) + "{" + repeat("a", 152));
  CHECK(straddling.units == 306);
  CHECK(straddling.segments == 3);
}

TEST_CASE("sms_size falls back to UCS-2 at 70 and 67", "[sms]") {
  const auto one = sms_size(repeat("ệ", 70));
  CHECK_FALSE(one.gsm7);
  CHECK(one.units == 70);
  CHECK(one.segments == 1);
  CHECK(sms_size(repeat("ệ", 71)).segments == 2);
  CHECK(sms_size(repeat("ệ", 134)).segments == 2);
  CHECK(sms_size(repeat("ệ", 135)).segments == 3);
  // One character outside GSM-7 makes the whole text UCS-2.
  const auto mixed = sms_size(repeat("a", 69) + "đ");
  CHECK_FALSE(mixed.gsm7);
  CHECK(mixed.units == 70);
  CHECK(mixed.segments == 1);
  CHECK(sms_size(repeat("a", 70) + "`").segments == 2);  // '`' is not in GSM-7
}

TEST_CASE("sms_size counts a character outside the BMP as two UTF-16 units", "[sms]") {
  CHECK(sms_size("😀").units == 2);
  CHECK(sms_size(repeat("😀", 35)).segments == 1);
  CHECK(sms_size(repeat("😀", 35) + "a").segments == 2);
  // 134 units, but no surrogate pair is split: 66 | 2+65 | 1.
  CHECK(sms_size(repeat("ệ", 66) + "😀" + repeat("ệ", 66)).segments == 3);
  // Invalid UTF-8 counts as U+FFFD: UCS-2, one unit a byte.
  const auto bad = sms_size("a\xFF\xC3");
  CHECK_FALSE(bad.gsm7);
  CHECK(bad.units == 3);
}

TEST_CASE("fit_length keeps text that fits", "[sms]") {
  CHECK(fit_length("Đề nghị", 0) == "Đề nghị");
  CHECK(fit_length(repeat("ệ", 500), 0) == repeat("ệ", 500));
  CHECK(fit_length("Đề nghị", 7) == "Đề nghị");  // 7 characters, 11 bytes
  CHECK(fit_length("", 5) == "");
}

TEST_CASE("fit_length cuts between multibyte characters", "[sms]") {
  CHECK(fit_length("Đề nghị", 6) == "Đề...");  // cut at the space
  CHECK(fit_length(repeat("ệ", 20), 10) == repeat("ệ", 7) + "...");
  CHECK(fit_length(repeat("😀", 5), 4) == "😀...");
  CHECK(fit_length("abcdef", 3) == "...");
  CHECK(fit_length("abcdef", 2) == "..");
  CHECK(fit_length("abcdef", 5) == "ab...");
}

TEST_CASE("fit_length prefers a space within the last 10 characters", "[sms]") {
  const std::string text = "Báo cáo tình hình thực hiện nhiệm vụ";
  CHECK(fit_length(text, 20) == "Báo cáo tình hình...");  // not "Báo cáo tình hình t..."
  CHECK(fit_length(text, 21) == "Báo cáo tình hình...");
  CHECK(fit_length("Báo cáo  tình", 12) == "Báo cáo...");  // spaces before the cut dropped
  // No space in the window: a hard cut.
  CHECK(fit_length("a " + repeat("x", 30), 20) == "a " + repeat("x", 15) + "...");
}

TEST_CASE("fit_length keeps combining marks with their letter", "[sms]") {
  // "nghệ" in NFD: n g h e U+0302 U+0323; cutting before a mark cuts before its letter.
  const std::string nfd = "xnghe\xCC\x82\xCC\xA3xyz";
  CHECK(fit_length(nfd, 8) == "xngh...");
}
