#pragma once

#include <string_view>

namespace deadlined::util {

/// Whether `text` is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
/// sequences, no overlong forms, no surrogates (U+D800-U+DFFF), nothing past U+10FFFF.
bool valid_utf8(std::string_view text);

}  // namespace deadlined::util
