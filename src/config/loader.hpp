#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace deadlined::config {

/// At most this many diagnostics are kept from one load, in reading order: a file with a
/// million bad entries must not print a million lines at each reload.
inline constexpr std::size_t k_max_diagnostics = 100;

/// The outcome of loading: a config when there are no errors, and the problems found (the
/// first k_max_diagnostics of them).
struct LoadResult {
  std::shared_ptr<const Config> config;
  std::vector<Diagnostic> diagnostics;
  std::size_t errors = 0;   ///< of all the problems found, shown or not
  std::size_t omitted = 0;  ///< problems found past k_max_diagnostics, not kept

  /// "N more problems not shown", when some were left out; else empty.
  std::string omitted_note() const;
};

/// What a load checks beyond the files themselves.
struct LoadOptions {
  /// When set, one-off deadlines already past at this instant are warned about (as
  /// `deadlined check` does); the clock is read by the caller, never by the loader.
  std::optional<SysSeconds> now;
};

/// Reads the main file, the plan files its globs name and the secrets they reference,
/// and validates everything. Never throws for bad input.
LoadResult load_config(const std::filesystem::path& file, const LoadOptions& options = {});

}  // namespace deadlined::config
