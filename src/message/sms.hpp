#pragma once

#include <cstddef>
#include <string>
#include <string_view>

/// The short text as an SMS carries it: folded to ASCII when the brandname is sent without
/// Unicode, counted in segments, cut to a length. Pure.
namespace deadlined::message {

/// `text` (UTF-8) in ASCII, through ICU's Latin-ASCII transliteration: "Đề nghị báo cáo" →
/// "De nghi bao cao". Every character ICU cannot fold becomes '?'.
std::string fold_ascii(std::string_view text);

/// The size of `text` as an SMS: GSM 03.38 (7-bit, 160 characters in one segment, 153 in each
/// of several) when every character is in its default alphabet, else UCS-2 (70, 67).
struct SmsSize {
  bool gsm7 = true;
  std::size_t units = 0;     ///< septets (an extension character counts 2) or UTF-16 units
  std::size_t segments = 0;  ///< 0 for an empty text
};
SmsSize sms_size(std::string_view text);

/// `text` cut to at most `max_characters` characters (UTF-8 characters, never inside one),
/// ending with "..." when cut; as it is when it fits or `max_characters` is 0.
std::string fit_length(std::string_view text, std::size_t max_characters);

}  // namespace deadlined::message
