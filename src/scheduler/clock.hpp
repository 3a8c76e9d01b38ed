#pragma once

// The wall clock, apart from the scheduler: the command line reads it without Asio.

#include <functional>

#include <date/date.h>

namespace deadlined::scheduler {

/// Reads the wall clock, truncated to seconds. Replaceable for tests.
using Clock = std::function<date::sys_seconds()>;
date::sys_seconds system_now();

}  // namespace deadlined::scheduler
