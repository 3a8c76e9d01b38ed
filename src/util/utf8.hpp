#pragma once

#include <string_view>
#include <vector>

namespace deadlined::util {

/// Whether `text` is well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
/// sequences, no overlong forms, no surrogates (U+D800-U+DFFF), nothing past U+10FFFF.
bool valid_utf8(std::string_view text);

/// `text` split into its characters, each the UTF-8 sequence its lead byte announces (cut at
/// the end of `text`; a stray byte is a character of its own). Views into `text`.
std::vector<std::string_view> utf8_characters(std::string_view text);

}  // namespace deadlined::util
