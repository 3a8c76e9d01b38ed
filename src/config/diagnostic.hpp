#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace deadlined::config {

/// One problem found in the configuration.
struct Diagnostic {
  enum class Severity { error, warning };
  SourcePos where;
  Severity severity = Severity::error;
  std::string message;

  /// `path:line:col: error: message` (or `path: error: message` without a position).
  std::string to_string() const;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace deadlined::config
