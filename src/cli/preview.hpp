#pragma once

#include <string>

#include "config/config.hpp"

namespace deadlined::cli {

/// `deadlined preview`: what would be sent between FROM and TO if no unit confirmed: each
/// reminder's message per channel and, when the digest is on, each morning's digest to the
/// Office, in order of time, as text or as JSON. Returns the process exit code.
int do_preview(const config::Config& config, const std::string& from_text,
               const std::string& to_text, const std::string& format);

}  // namespace deadlined::cli
