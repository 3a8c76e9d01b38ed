#pragma once

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace deadlined::config::detail {

/// Where each (year, occasion) was decided, to refuse a second decision for it.
using DecisionPlaces = std::map<std::pair<int, calendar::Occasion>, SourcePos>;

/// Reads one holidays file (a list of [[decision]] tables) into `service.decisions`,
/// reporting every problem with its position; a worked day is checked against the weekly
/// pattern only when `workdays_known`.
void load_holiday_file(const std::filesystem::path& file, ServiceConfig& service,
                       DecisionPlaces& places, std::vector<Diagnostic>& diagnostics,
                       bool workdays_known = true);

}  // namespace deadlined::config::detail
