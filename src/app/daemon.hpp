#pragma once

#include <filesystem>

namespace deadlined::app {

/// Runs the daemon on `config_file` until SIGTERM or SIGINT; returns the process exit code.
int run_daemon(const std::filesystem::path& config_file);

}  // namespace deadlined::app
