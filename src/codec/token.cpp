#include "codec/token.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "codec/hmac.hpp"

namespace deadlined::codec {
namespace {

constexpr std::size_t k_mac_bytes = 16;
constexpr std::size_t k_max_token = 512;

bool valid_part(std::string_view part) {
  return !part.empty() && part.size() <= 64 && std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::string mac_of(std::string_view key, std::string_view purpose, std::string_view text) {
  std::string data;
  data.reserve(purpose.size() + 1 + text.size());
  data.append(purpose).append(":").append(text);
  return base64url_encode(hmac_sha256(key, data).substr(0, k_mac_bytes));
}

}  // namespace

std::string_view to_string(TokenError error) {
  switch (error) {
    case TokenError::malformed:
      return "malformed";
    case TokenError::bad_signature:
      return "bad signature";
    case TokenError::expired:
      return "expired";
  }
  return "malformed";
}

std::string sign_ack(std::string_view key, const AckClaim& claim) {
  std::string payload = claim.plan + "." + claim.task + "." + claim.occurrence + "." + claim.unit +
                        "." + std::to_string(claim.expires);
  return payload + "." + mac_of(key, "ack", payload);
}

std::variant<AckClaim, TokenError> verify_ack(std::string_view key, std::string_view token,
                                              std::int64_t now) {
  if (token.size() > k_max_token) return TokenError::malformed;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 7) {
    std::size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 6) return TokenError::malformed;
  for (std::string_view part : parts) {
    if (!valid_part(part)) return TokenError::malformed;
  }
  std::int64_t expires = 0;
  auto [end, ec] = std::from_chars(parts[4].data(), parts[4].data() + parts[4].size(), expires);
  if (ec != std::errc{} || end != parts[4].data() + parts[4].size()) return TokenError::malformed;
  std::string_view payload = token.substr(0, token.size() - parts[5].size() - 1);
  if (!constant_time_equal(mac_of(key, "ack", payload), parts[5])) {
    return TokenError::bad_signature;
  }
  if (now > expires) return TokenError::expired;
  return AckClaim{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
                  std::string(parts[3]), expires};
}

std::string derived_token(std::string_view key, std::string_view purpose,
                          std::string_view subject) {
  return mac_of(key, purpose, subject);
}

}  // namespace deadlined::codec
