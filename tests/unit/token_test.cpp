#include <catch2/catch.hpp>

#include <variant>

#include "codec/hmac.hpp"
#include "codec/token.hpp"

using namespace deadlined::codec;

namespace {

const std::string k_key = "0123456789abcdef-test-key";
const AckClaim k_claim{"plan-1", "bao_cao", "2026-Q3", "phong-a", 1800000000};

std::variant<AckClaim, TokenError> check(const std::string& token, std::int64_t now = 1700000000) {
  return verify_ack(k_key, token, now);
}

bool refused_as(const std::variant<AckClaim, TokenError>& result, TokenError error) {
  return std::holds_alternative<TokenError>(result) && std::get<TokenError>(result) == error;
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[codec][token]") {
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(base64url_encode(mac) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_CASE("an ack token carries its claim and verifies under its key only", "[codec][token]") {
  std::string token = sign_ack(k_key, k_claim);
  CHECK(token.rfind("plan-1.bao_cao.2026-Q3.phong-a.1800000000.", 0) == 0);
  auto ok = check(token);
  REQUIRE(std::holds_alternative<AckClaim>(ok));
  CHECK(std::get<AckClaim>(ok) == k_claim);
  CHECK(refused_as(verify_ack("another key of 16+ chars", token, 1700000000),
                   TokenError::bad_signature));
  CHECK(refused_as(check(token, 1800000001), TokenError::expired));
  CHECK(std::holds_alternative<AckClaim>(check(token, 1800000000)));
}

TEST_CASE("a token tampered anywhere, or for another unit, is refused", "[codec][token]") {
  std::string token = sign_ack(k_key, k_claim);
  std::string mac = token.substr(token.rfind('.') + 1);
  AckClaim other = k_claim;
  other.unit = "phong-b";
  std::string other_token = sign_ack(k_key, other);
  // b's fields with a's signature, and a later expiry with the old signature.
  CHECK(refused_as(check(other_token.substr(0, other_token.rfind('.') + 1) + mac),
                   TokenError::bad_signature));
  std::string extended = token;
  extended.replace(extended.find("1800000000"), 10, "1900000000");
  CHECK(refused_as(check(extended), TokenError::bad_signature));
  // Every single-character change is refused.
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    std::string changed = token;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    CHECK(std::holds_alternative<TokenError>(check(changed)));
  }
}

TEST_CASE("malformed tokens are refused without a crash", "[codec][token]") {
  std::string token = sign_ack(k_key, k_claim);
  for (const std::string& bad :
       {std::string(), std::string("."), std::string("a.b.c.d.e"), std::string("a.b.c.d.e.f.g"),
        std::string("a..c.d.1.mac"), std::string("a.b.c.d.notanumber.mac"),
        std::string("a/b.c.d.e.1.mac"), std::string("a.b.c.d.1.ma c"), token + ".", "." + token,
        std::string(600, 'a'), std::string("p.t.o.u.99999999999999999999.m")}) {
    auto result = check(bad);
    CHECK(refused_as(result, TokenError::malformed));
  }
}

TEST_CASE("derived tokens differ by purpose and subject", "[codec][token]") {
  CHECK(derived_token(k_key, "csrf", "x") == derived_token(k_key, "csrf", "x"));
  CHECK(derived_token(k_key, "csrf", "x") != derived_token(k_key, "ics", "x"));
  CHECK(derived_token(k_key, "csrf", "x") != derived_token(k_key, "csrf", "y"));
  CHECK(derived_token(k_key, "csrf", "x").size() == 22);
}
