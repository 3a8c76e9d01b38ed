#pragma once

#include <string>
#include <string_view>

namespace deadlined::codec {

/// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// SHA-256 of `data`: 32 raw bytes.
std::string sha256(std::string_view data);

/// Whether `a` equals `b`, in a time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// base64url without padding (RFC 4648 section 5), for tokens in URLs.
std::string base64url_encode(std::string_view bytes);

}  // namespace deadlined::codec
