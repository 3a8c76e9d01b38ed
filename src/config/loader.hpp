#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace deadlined::config {

/// The outcome of loading: a config when there are no errors, and every problem found.
struct LoadResult {
  std::shared_ptr<const Config> config;
  std::vector<Diagnostic> diagnostics;
};

/// Reads the main file, the plan files its globs name and the secrets they reference,
/// and validates everything. Never throws for bad input.
LoadResult load_config(const std::filesystem::path& file);

}  // namespace deadlined::config
