#pragma once

// The fixes a diagnostic names for the likely mistakes: an id written with diacritics, a
// name close to a configured one, a TOML syntax error made by hand or by a word processor.
// Pure. Internal to config/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deadlined::config::detail {

/// `text` with its Vietnamese letters written without diacritics ("phòng-môi-trường" →
/// "phong-moi-truong", "Đ" → "D"), precomposed (NFC) or decomposed (NFD); other text is kept.
std::string fold_diacritics(std::string_view text);

/// The id an administrator most likely meant by `text`: without diacritics, with spaces
/// as '-' ("Phòng Kế hoạch" → "Phong-Ke-hoach").
std::string id_from(std::string_view text);

/// The candidate closest to `written` by edit distance, comparing `written` without its
/// diacritics; none when every candidate is more than `limit` edits away (by default, a
/// third of the folded length). Ties go to the first candidate.
std::optional<std::string> closest(std::string_view written,
                                   const std::vector<std::string_view>& candidates,
                                   std::optional<std::size_t> limit = std::nullopt);

/// "; có phải là 'x'?" for the closest candidate, or empty.
std::string did_you_mean(std::string_view written, const std::vector<std::string_view>& candidates);

/// The Vietnamese message for a TOML syntax error that toml++ described as `description`
/// at `line`:`column` (1-based; the column counts characters) of `text`: what to write for
/// a dd/mm/yyyy date, Word's curly quotes, a string left open, an id with diacritics or an
/// unquoted text; otherwise toml++'s own words after a Vietnamese lead.
std::string explain_syntax_error(std::string_view description, std::string_view text,
                                 std::uint32_t line, std::uint32_t column);

}  // namespace deadlined::config::detail
