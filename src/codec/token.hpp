#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace deadlined::codec {

/// What a confirmation link claims: one unit has done one occurrence of one task.
struct AckClaim {
  std::string plan;
  std::string task;
  std::string occurrence;
  std::string unit;
  std::int64_t expires = 0;  ///< Unix seconds after which the link is refused

  friend bool operator==(const AckClaim&, const AckClaim&) = default;
};

/// A signed confirmation token, safe in a URL path:
/// `plan.task.occurrence.unit.expires.mac`, where mac is the first 16 bytes of
/// HMAC-SHA256(key, "ack:" + the rest), base64url. Ids must be non-empty and made of letters,
/// digits, '-' and '_' (as the config and the schedule guarantee).
std::string sign_ack(std::string_view key, const AckClaim& claim);

enum class TokenError { malformed, bad_signature, expired };
std::string_view to_string(TokenError error);

/// The claim of `token` if it is well formed, signed with `key` and not expired at `now`
/// (Unix seconds). The signature is compared in constant time and checked before expiry.
std::variant<AckClaim, TokenError> verify_ack(std::string_view key, std::string_view token,
                                              std::int64_t now);

/// A token bound to `purpose` and `subject` (e.g. "csrf" and an ack token, or "ics" and a
/// unit id): 16 bytes of HMAC-SHA256(key, purpose + ":" + subject), base64url.
std::string derived_token(std::string_view key, std::string_view purpose, std::string_view subject);

}  // namespace deadlined::codec
