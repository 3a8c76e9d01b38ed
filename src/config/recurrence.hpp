#pragma once

#include <optional>
#include <string_view>

#include "config/config.hpp"

namespace deadlined::config {

/// Parses `recur`: "monthly", "quarterly", "6-monthly", "9-monthly", "yearly", each optionally
/// after "nd09 " (Decree 09/2019 periods), or "every N days|weeks|months". Sets kind, every
/// and nd09; nullopt when malformed.
std::optional<Recurrence> parse_recurrence(std::string_view text);

/// Parses a due rule: "day D" (of the period's last month), "day D of next month",
/// "day D of month M", "N days after end", "Nwd after end", "N days before TASK",
/// "Nwd before TASK", "Nwd after 2026-12-01", "N days after 2026-12-01", "Nwd after
/// received"; nullopt when malformed.
std::optional<DueRule> parse_due_rule(std::string_view text);

/// The due rule of the Decree 09/2019 preset: day 20 of the period's last month, after the
/// data cut-off on the 14th.
DueRule nd09_due_rule();

}  // namespace deadlined::config
