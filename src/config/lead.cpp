#include "config/lead.hpp"

#include <charconv>
#include <string>

namespace deadlined::config {
namespace {

/// Splits "12wd" into 12 and "wd"; nullopt without a leading non-negative number.
std::optional<std::pair<std::int64_t, std::string_view>> split_number(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr == text.data() || value < 0) return std::nullopt;
  return std::pair{value, std::string_view(ptr, static_cast<std::size_t>(end - ptr))};
}

constexpr std::int64_t k_max_days = 3660;
constexpr std::int64_t k_max_seconds = k_max_days * 86400;

}  // namespace

std::optional<Seconds> parse_duration(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  auto [value, unit] = *split;
  std::int64_t factor = 0;
  if (unit == "s")
    factor = 1;
  else if (unit == "m")
    factor = 60;
  else if (unit == "h")
    factor = 3600;
  else if (unit == "d")
    factor = 86400;
  else
    return std::nullopt;
  if (value > k_max_seconds / factor) return std::nullopt;
  return Seconds{value * factor};
}

std::optional<Lead> parse_lead(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  auto [value, unit] = *split;
  Lead lead;
  lead.text = std::string(text);
  if (unit == "d" || unit == "wd") {
    if (value > k_max_days) return std::nullopt;
    lead.kind = unit == "d" ? Lead::Kind::calendar_days : Lead::Kind::working_days;
    lead.amount = value;
    return lead;
  }
  if (unit == "h" || unit == "m" || unit == "s") {
    auto seconds = parse_duration(text);
    if (!seconds) return std::nullopt;
    lead.kind = Lead::Kind::exact;
    lead.amount = seconds->count();
    return lead;
  }
  return std::nullopt;
}

std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text) {
  // "8:00" as well as "08:00": offices write the hour without its leading zero.
  std::string padded = text.size() == 4 ? "0" + std::string(text) : std::string(text);
  if (padded.size() != 5 || padded[2] != ':') return std::nullopt;
  auto digits = [&](std::size_t at) -> int {
    char a = padded[at], b = padded[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  };
  int hours = digits(0), minutes = digits(3);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
  return std::chrono::minutes{hours * 60 + minutes};
}

}  // namespace deadlined::config
