#pragma once

#include <memory>

#include "config/config.hpp"

namespace deadlined::test {

/// Builds the work calendar of a Config made in memory from its service settings, as the
/// loader does once at load; call it again after changing them.
inline void build_calendar(config::Config& c) {
  c.calendar = std::make_shared<const calendar::WorkCalendar>(
      c.service.workdays, c.service.vietnam_holidays, c.service.decisions);
}

}  // namespace deadlined::test
