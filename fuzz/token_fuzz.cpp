// libFuzzer target of the confirmation-token parser: any input, under a fixed key, must be
// refused or accepted without a crash, and an accepted token must be exactly the one its
// claim signs to (no second spelling of a valid token exists).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "codec/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view k_key = "fuzzing-key-0123456789";
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto result = deadlined::codec::verify_ack(k_key, token, 0);
  if (const auto* claim = std::get_if<deadlined::codec::AckClaim>(&result)) {
    if (deadlined::codec::sign_ack(k_key, *claim) != token) std::abort();
  }
  // The parser is also fed tokens that verify, built from the input's bytes as ids.
  deadlined::codec::AckClaim claim{"p", "t", "2026-Q3", "u", 1};
  if (size > 0 && size <= 64) {
    claim.unit.assign(token);
    std::string signed_token = deadlined::codec::sign_ack(k_key, claim);
    auto again = deadlined::codec::verify_ack(k_key, signed_token, 0);
    bool valid_unit = std::holds_alternative<deadlined::codec::AckClaim>(again);
    if (valid_unit && std::get<deadlined::codec::AckClaim>(again) != claim) std::abort();
  }
  return 0;
}
