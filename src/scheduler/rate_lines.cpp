#include "scheduler/rate_lines.hpp"

#include "scheduler/job_queue.hpp"

#include <algorithm>
#include <memory>

namespace deadlined::scheduler {

std::optional<SysSeconds> RateLines::must_wait(const std::string& channel, RateGate& gate,
                                               SysSeconds now) {
  if (auto it = lines_.find(channel); it != lines_.end()) return std::max(it->second.wake, now);
  return gate.wait_until(channel, now);
}

void RateLines::hold(const std::string& channel, Group group, SysSeconds at) {
  std::erase_if(group, [&](const Job& job) {
    const Delivery* d = job.delivery();
    return !d || keys_.count(d->record.key) > 0;
  });
  if (group.empty()) return;
  for (Job& job : group) {
    keys_.insert(job.delivery()->record.key);
    if (auto* send = std::get_if<SendDelivery>(&job.work)) render_when_sent(*send);
  }
  auto [it, added] = lines_.try_emplace(channel);
  if (added) {
    it->second.wake = at;
    begun_.insert(channel);
  }
  it->second.groups.push_back(std::move(group));
}

void RateLines::release(RateGate& gate, SysSeconds now, const Start& start) {
  for (auto it = lines_.begin(); it != lines_.end();) {
    const std::string& channel = it->first;
    Line& line = it->second;
    if (line.wake > now) {
      ++it;
      continue;
    }
    while (!line.groups.empty()) {
      if (auto until = gate.wait_until(channel, now)) {
        line.wake = *until;
        break;
      }
      Group group = std::move(line.groups.front());
      line.groups.pop_front();
      for (const Job& job : group)
        keys_.erase(job.delivery()->record.key);
      if (start(std::move(group))) gate.started(channel, now);
    }
    it = line.groups.empty() ? lines_.erase(it) : std::next(it);
  }
}

void RateLines::wake_all(SysSeconds now) {
  for (auto& [channel, line] : lines_)
    line.wake = now;
}

std::optional<SysSeconds> RateLines::next_wake() const {
  std::optional<SysSeconds> wake;
  for (const auto& [channel, line] : lines_) {
    if (!wake || line.wake < *wake) wake = line.wake;
  }
  return wake;
}

std::vector<std::pair<std::string, std::size_t>> RateLines::take_begun() {
  std::vector<std::pair<std::string, std::size_t>> begun;
  for (const std::string& channel : begun_) {
    if (auto it = lines_.find(channel); it != lines_.end())
      begun.emplace_back(channel, it->second.groups.size());
  }
  begun_.clear();
  return begun;
}

std::size_t RateLines::size() const {
  std::size_t n = 0;
  for (const auto& [channel, line] : lines_)
    n += line.groups.size();
  return n;
}

std::size_t RateLines::clear() {
  std::size_t held = keys_.size();
  lines_.clear();
  keys_.clear();
  begun_.clear();
  return held;
}

}  // namespace deadlined::scheduler
