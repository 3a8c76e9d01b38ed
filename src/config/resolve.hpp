#pragma once

// From the sections as read to the runtime Config. Internal to config/.

#include "config/config.hpp"
#include "config/parsed.hpp"

namespace deadlined::config::detail {

/// The Config of a configuration read and checked without an error: defaults that depend on
/// other sections (chasing on when [http] is configured, the digest on when chasing is, its
/// time at send_time), the leads and chase keys each plan and task inherits, the maildir
/// under state_dir, and the work calendar, built once.
Config resolve(ParsedConfig parsed);

}  // namespace deadlined::config::detail
