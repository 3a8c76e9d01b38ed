#pragma once

#include <optional>

#include <date/date.h>

#include "config/config.hpp"

namespace deadlined::schedule {

using SysSeconds = date::sys_seconds;

/// The four states in which the Văn phòng Chính phủ counts tasks, for one unit's part in one
/// occurrence: hoàn thành đúng hạn, hoàn thành quá hạn, chưa hoàn thành (trong hạn), quá hạn.
enum class State { on_time, late, open, overdue };

/// Where one unit's part stands at a given moment.
struct Standing {
  State state = State::open;
  /// Working days: for `late`, from the deadline to the day it was done; for `open`, from
  /// today to the deadline's day (0: the deadline is today); for `overdue`, from the
  /// deadline's day to today (0: it passed earlier today).
  long working_days = 0;

  bool done() const { return state == State::on_time || state == State::late; }
  friend bool operator==(const Standing&, const Standing&) = default;
};

/// The standing at `now` of a part whose deadline in force is `deadline` (an extension
/// included), done at `done_at` if it is confirmed: done by the deadline is on time, after it
/// late; not done, it is open until the deadline passes and overdue after. Working days are
/// counted in the config's calendar, days in its time zone.
Standing standing_of(const config::Config& config, SysSeconds deadline,
                     std::optional<SysSeconds> done_at, SysSeconds now);

}  // namespace deadlined::schedule
