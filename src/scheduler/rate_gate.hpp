#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// The rate limits of channels (`rate = "60/min"`, config::RateLimit) as sliding windows: at
/// most `count` sends of a channel start in any interval [t, t + per). A send started at t
/// leaves its channel's window at t + per. Unlike a token bucket, a burst never gets 2 ×
/// count through one window. Keyed by channel name ("email", "webhook:NAME"); a channel
/// without a rate is never held. Pure: no Asio, no clock (`now` is passed in).
class RateGate {
 public:
  /// Takes the rates of `config` (a load): a channel whose rate is unchanged keeps its
  /// window; a changed one keeps the starts it has seen, judged by the new rate from now on;
  /// a channel that has no rate any more is free. A rate of 0 sends (which the config
  /// rejects) counts as none.
  void configure(const config::Config& config);

  /// When a send of `channel` may start, none if it may at `now`: the time the oldest send of
  /// a full window leaves it. Counts nothing.
  std::optional<SysSeconds> wait_until(const std::string& channel, SysSeconds now);
  /// A send of `channel` has started at `now` (counted only when the channel has a rate).
  /// At a start, the attempts of the journal are given, oldest first, to fill the windows.
  void started(const std::string& channel, SysSeconds now);
  /// The longest window of a rate (0 without any): how far back the starts matter.
  config::Seconds longest() const;
  /// wait_until, and started when it may start now.
  std::optional<SysSeconds> admit(const std::string& channel, SysSeconds now);

  /// The rate of `channel`; null when it has none.
  const config::RateLimit* rate_of(const std::string& channel) const;
  /// How many starts of `channel` its window holds at `now`.
  std::size_t in_window(const std::string& channel, SysSeconds now);

 private:
  struct Window {
    config::RateLimit rate;
    std::deque<SysSeconds> starts;  // the latest `rate.count` at most, oldest first
  };
  /// Drops the starts that have left `window` at `now`. A start after `now` (the wall clock
  /// was set back) counts as made at `now`: the wait stays within one `per`.
  static void slide(Window& window, SysSeconds now);
  std::map<std::string, Window> windows_;
};

/// "60/min" as written, else "60/60s" (a rate set without its text).
std::string rate_text(const config::RateLimit& rate);

}  // namespace deadlined::scheduler
