#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deadlined::codec {

/// Standard base64 (RFC 4648 section 4) with padding.
std::string base64_encode(std::string_view bytes);

/// Decodes standard base64; padding optional; nullopt on any invalid character.
std::optional<std::string> base64_decode(std::string_view text);

/// `bytes` as lowercase hex digits, two a byte.
std::string hex_encode(std::string_view bytes);

/// The 64-bit FNV-1a hash of `bytes` as 16 lowercase hex digits: a short, stable name for a
/// value that may not appear as is (an address inside a Message-ID).
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace deadlined::codec
