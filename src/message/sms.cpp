#include "message/sms.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace deadlined::message {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// One code point of `text` from `at`, which moves past it. Strict UTF-8: an overlong form, a
// surrogate, a value above U+10FFFF or a cut sequence is U+FFFD for its first byte alone.
char32_t next_code_point(std::string_view text, std::size_t& at) {
  const auto lead = static_cast<unsigned char>(text[at++]);
  if (lead < 0x80) return lead;
  std::size_t length = 0;
  char32_t value = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 1, value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 2, value = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 3, value = lead & 0x07u;
  } else {
    return kReplacement;
  }
  if (text.size() - at < length) return kReplacement;
  for (std::size_t i = 0; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[at + i]);
    if ((byte & 0xC0u) != 0x80u) return kReplacement;
    value = (value << 6) | (byte & 0x3Fu);
  }
  const bool overlong = (length == 2 && value < 0x800) || (length == 3 && value < 0x10000);
  if (overlong || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return kReplacement;
  at += length;
  return value;
}

// The transliterator of this thread. ICU's Latin-ASCII already drops combining marks (text in
// NFD folds as in NFC) and folds Đ/đ, ư, ơ and typographic punctuation; "Any-Latin" in front
// would romanise other scripts (日本 → "ri ben"), misleading in a reminder, and costs 40 ms at
// its first creation; a compound "NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII" gives
// the same ASCII, 30% slower a call and 3 times slower to create. A Transliterator must not be used
// by two threads at once: each thread creates its own at its first call (0.15 to 0.4 ms, once a
// thread), then a call costs about 50 µs for a 155-character SMS (0.33 µs a character; creating one
// per call would cost 4 to 9 times that). Measured -O2 on the build machine, ICU 72. Null when ICU
// has no data for it: every non-ASCII character is then '?'.
icu::Transliterator* thread_transliterator() {
  thread_local const std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> created(
        icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) created.reset();
    return created;
  }();
  return transliterator.get();
}

// ICU strings are indexed by int32_t: longer text is folded in pieces, cut before a lead byte.
constexpr std::size_t kPiece = std::size_t{1} << 20;

void fold_piece(std::string_view piece, std::string& out) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(piece.data(), static_cast<int32_t>(piece.size())));  // bad bytes: U+FFFD
  if (auto* transliterator = thread_transliterator()) transliterator->transliterate(text);
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    out.push_back(c >= 0 && c < 0x80 ? static_cast<char>(c) : '?');
  }
}

// Septets of `c` in the GSM 03.38 default alphabet: 1 in the basic table, 2 in the extension
// table (escape + character), 0 when it has none.
std::size_t gsm7_septets(char32_t c) {
  static constexpr std::u32string_view kBasic =
      U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  static constexpr std::u32string_view kExtension = U"\f^{}\\[~]|€";
  if (kBasic.find(c) != std::u32string_view::npos) return 1;
  if (kExtension.find(c) != std::u32string_view::npos) return 2;
  return 0;
}

// Segments for characters of `widths` units: one when all fit in `single`, else segments of
// `each`, a character never split between two (an escape and its character, or a surrogate
// pair, stay in one segment, as encoders send them).
std::size_t segments_for(const std::vector<std::size_t>& widths, std::size_t total,
                         std::size_t single, std::size_t each) {
  if (total == 0) return 0;
  if (total <= single) return 1;
  std::size_t segments = 1, used = 0;
  for (const std::size_t width : widths) {
    if (used + width > each) ++segments, used = 0;
    used += width;
  }
  return segments;
}

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r';
}
bool is_combining_mark(char32_t c) {
  return c >= 0x300 && c <= 0x36F;
}

}  // namespace

std::string fold_ascii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    std::size_t cut = std::min(text.size(), kPiece);
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u)
      --cut;
    if (cut == 0) cut = std::min(text.size(), kPiece);
    fold_piece(text.substr(0, cut), out);
    text.remove_prefix(cut);
  }
  return out;
}

SmsSize sms_size(std::string_view text) {
  std::vector<std::size_t> septets, utf16;
  bool gsm7 = true;
  std::size_t total_septets = 0, total_utf16 = 0;
  for (std::size_t at = 0; at < text.size();) {
    const char32_t c = next_code_point(text, at);
    const std::size_t width = gsm7_septets(c);
    gsm7 = gsm7 && width > 0;
    if (gsm7) septets.push_back(width), total_septets += width;
    const std::size_t units = c > 0xFFFF ? 2 : 1;
    utf16.push_back(units), total_utf16 += units;
  }
  if (gsm7) return {true, total_septets, segments_for(septets, total_septets, 160, 153)};
  return {false, total_utf16, segments_for(utf16, total_utf16, 70, 67)};
}

std::string fit_length(std::string_view text, std::size_t max_characters) {
  if (max_characters == 0) return std::string(text);
  // Where each of the first max_characters + 1 characters starts, and what it is.
  std::vector<std::size_t> starts;
  std::vector<char32_t> characters;
  std::size_t at = 0;
  while (at < text.size() && characters.size() <= max_characters) {
    starts.push_back(at);
    characters.push_back(next_code_point(text, at));
  }
  if (characters.size() <= max_characters) return std::string(text);
  constexpr std::string_view kEllipsis = "...";
  if (max_characters <= kEllipsis.size()) return std::string(kEllipsis.substr(0, max_characters));
  std::size_t keep = max_characters - kEllipsis.size();  // characters kept before "..."
  // A space among the last 10 kept characters (or the first one cut): cut there instead.
  constexpr std::size_t kSpaceWindow = 10;
  for (std::size_t i = keep + 1; i-- > 0 && i + kSpaceWindow >= keep;) {
    if (!is_space(characters[i])) continue;
    std::size_t end = i;
    while (end > 0 && is_space(characters[end - 1]))
      --end;
    if (end > 0) keep = end;
    break;
  }
  // Text in NFD: never keep a letter without the marks that follow it.
  while (keep > 0 && is_combining_mark(characters[keep]))
    --keep;
  if (keep > 0) {
    while (keep > 0 && is_space(characters[keep - 1]))
      --keep;
  }
  return std::string(text.substr(0, starts[keep])) + std::string(kEllipsis);
}

}  // namespace deadlined::message
