#pragma once

#include <optional>
#include <string_view>

#include <date/tz.h>

namespace deadlined::cli {

/// Parses WHEN for preview: "YYYY-MM-DD" (local midnight, or the next midnight when
/// `end_of_day`), or ISO 8601 "YYYY-MM-DDTHH:MM[:SS]" with an optional "Z" or "±HH:MM" offset;
/// without an offset the time is in `zone`.
std::optional<date::sys_seconds> parse_when(std::string_view text, const date::time_zone* zone,
                                            bool end_of_day);

}  // namespace deadlined::cli
