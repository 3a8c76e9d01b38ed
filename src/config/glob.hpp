#pragma once

// Expanding the globs of the main file (plans, holidays) into files. Internal to config/.

#include <filesystem>
#include <set>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/parsed.hpp"

namespace deadlined::config::detail {

/// The files `pattern` names (relative to `base_dir` unless absolute), sorted, leaving out
/// those already in `seen` and adding the rest to it; a glob that matches nothing is a
/// warning and one whose folder cannot be read an error, both at the glob. `what` names the
/// key in those messages ("plans", "holidays").
std::vector<std::filesystem::path> expand_glob(const Written& pattern, std::string_view what,
                                               const std::filesystem::path& base_dir,
                                               std::set<std::filesystem::path>& seen,
                                               std::vector<Diagnostic>& diagnostics);

}  // namespace deadlined::config::detail
