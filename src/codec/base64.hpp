#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deadlined::codec {

/// Standard base64 (RFC 4648 section 4) with padding.
std::string base64_encode(std::string_view bytes);

/// Decodes standard base64; padding optional; nullopt on any invalid character.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace deadlined::codec
