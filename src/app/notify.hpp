#pragma once

#include <string>

namespace deadlined::app {

/// Sends a state line to the service manager (sd_notify); a no-op outside systemd.
void notify(const std::string& state);

}  // namespace deadlined::app
