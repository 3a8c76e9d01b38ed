#pragma once

#include <array>

#include <date/date.h>

namespace deadlined::test {

/// The Monday-to-Friday week, indexed by weekday (0 = Sunday).
inline constexpr std::array<bool, 7> k_mon_fri{false, true, true, true, true, true, false};

/// The local day y-m-d.
inline date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

}  // namespace deadlined::test
