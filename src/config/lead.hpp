#pragma once

#include <optional>
#include <string_view>

#include "config/config.hpp"

namespace deadlined::config {

/// Parses "7d", "3wd", "0d", "2h", "30m", "45s"; nullopt when malformed.
std::optional<Lead> parse_lead(std::string_view text);

/// Parses a duration such as "30s", "10m", "2h" into seconds; nullopt when malformed.
std::optional<Seconds> parse_duration(std::string_view text);

/// Parses "HH:MM" (00:00 to 23:59); nullopt when malformed or out of range.
std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text);

}  // namespace deadlined::config
