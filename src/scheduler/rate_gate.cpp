#include "scheduler/rate_gate.hpp"

#include <algorithm>

namespace deadlined::scheduler {

void RateGate::configure(const config::Config& config) {
  std::map<std::string, config::RateLimit> rates;
  auto add = [&](std::string channel, const std::optional<config::RateLimit>& rate) {
    if (rate && rate->count > 0 && rate->per.count() > 0) rates.emplace(std::move(channel), *rate);
  };
  add("email", config.email.rate);
  for (const auto& [name, webhook] : config.webhooks)
    add("webhook:" + name, webhook.rate);
  std::map<std::string, Window> windows;
  for (auto& [channel, rate] : rates) {
    Window window;
    if (auto it = windows_.find(channel); it != windows_.end()) window = std::move(it->second);
    window.rate = std::move(rate);
    // Only the latest `count` starts ever decide a wait.
    while (window.starts.size() > window.rate.count)
      window.starts.pop_front();
    windows.emplace(channel, std::move(window));
  }
  windows_ = std::move(windows);
}

namespace {
/// The scheduler's clock counts whole seconds: a start recorded at second t happened within
/// [t, t + 1 s), so it leaves the window a second late, and no window of real time holds more
/// than `count` starts (at N/s, a start at 0.9 s and one at 1.0 s would otherwise share one).
constexpr std::chrono::seconds k_clock_grain{1};
}  // namespace

void RateGate::slide(Window& window, SysSeconds now) {
  for (auto it = window.starts.rbegin(); it != window.starts.rend() && *it > now; ++it)
    *it = now;
  while (!window.starts.empty() && window.starts.front() + window.rate.per + k_clock_grain <= now)
    window.starts.pop_front();
}

std::optional<SysSeconds> RateGate::wait_until(const std::string& channel, SysSeconds now) {
  auto it = windows_.find(channel);
  if (it == windows_.end()) return std::nullopt;
  Window& window = it->second;
  slide(window, now);
  if (window.starts.size() < window.rate.count) return std::nullopt;
  // The window holds `count` starts: the next may start once the oldest has left it.
  return window.starts.front() + window.rate.per + k_clock_grain;
}

void RateGate::started(const std::string& channel, SysSeconds now) {
  auto it = windows_.find(channel);
  if (it == windows_.end()) return;
  Window& window = it->second;
  slide(window, now);
  window.starts.push_back(now);
  if (window.starts.size() > window.rate.count) window.starts.pop_front();
}

config::Seconds RateGate::longest() const {
  config::Seconds longest{0};
  for (const auto& [channel, window] : windows_)
    longest = std::max(longest, window.rate.per);
  return longest;
}

std::optional<SysSeconds> RateGate::admit(const std::string& channel, SysSeconds now) {
  std::optional<SysSeconds> until = wait_until(channel, now);
  if (!until) started(channel, now);
  return until;
}

const config::RateLimit* RateGate::rate_of(const std::string& channel) const {
  auto it = windows_.find(channel);
  return it == windows_.end() ? nullptr : &it->second.rate;
}

std::size_t RateGate::in_window(const std::string& channel, SysSeconds now) {
  auto it = windows_.find(channel);
  if (it == windows_.end()) return 0;
  slide(it->second, now);
  return it->second.starts.size();
}

std::string rate_text(const config::RateLimit& rate) {
  if (!rate.text.empty()) return rate.text;
  return std::to_string(rate.count) + "/" + std::to_string(rate.per.count()) + "s";
}

}  // namespace deadlined::scheduler
