#include <catch2/catch.hpp>

#include "util/url.hpp"
#include "util/utf8.hpp"

using deadlined::util::redact_url;

TEST_CASE("a url is shown without its userinfo and query", "[url]") {
  // Google Chat's incoming webhook: the key and token are in the query.
  CHECK(redact_url("https://chat.googleapis.com/v1/spaces/AAAA/messages?key=K3y&token=T0k") ==
        "https://chat.googleapis.com/v1/spaces/AAAA/messages?REDACTED");
  CHECK(redact_url("ftp://user:SeCrEtPw@example.org/x") == "ftp://REDACTED@example.org/x");
  CHECK(redact_url("http://u:p@h:8080/p?q=1#frag") == "http://REDACTED@h:8080/p?REDACTED#frag");
  // An '@' in the path or the query is not userinfo.
  CHECK(redact_url("https://h/a@b?c=d@e") == "https://h/a@b?REDACTED");
  CHECK(redact_url("https://h/p#x?y") == "https://h/p#x?y");  // '?' in the fragment
  CHECK(redact_url("http://127.0.0.1:9/hook") == "http://127.0.0.1:9/hook");
  CHECK(redact_url("a@example.org") == "a@example.org");  // not a url: an address
}

TEST_CASE("UTF-8 is checked as RFC 3629 defines it", "[url]") {
  using deadlined::util::valid_utf8;
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("Số 45/BC-PMT: Môi trường"));
  CHECK(valid_utf8("\xF0\x9F\x93\x84"));  // U+1F4C4
  CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  CHECK_FALSE(valid_utf8("\x80"));
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(valid_utf8("\xC3"));              // truncated
  CHECK_FALSE(valid_utf8("\xE1\xBB"));
  CHECK_FALSE(valid_utf8("\xFF"));
}

TEST_CASE("text splits into its UTF-8 characters, a cut sequence kept whole", "[util]") {
  using V = std::vector<std::string_view>;
  CHECK(deadlined::util::utf8_characters("Đà𝄞a") == V{"Đ", "à", "𝄞", "a"});
  CHECK(deadlined::util::utf8_characters("") == V{});
  // A stray continuation byte is a character of its own; a truncated sequence ends the text.
  CHECK(deadlined::util::utf8_characters("\x80x") == V{"\x80", "x"});
  CHECK(deadlined::util::utf8_characters("a\xE1\xBA") == V{"a", "\xE1\xBA"});
}
