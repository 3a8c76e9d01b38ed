#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "scheduler/job.hpp"
#include "scheduler/rate_gate.hpp"

namespace deadlined::scheduler {

/// The rate stage between the grouping stage and the journal: a send whose channel's window
/// is full (RateGate) waits here, in its channel's line, first come first served, and is
/// no attempt until it starts (no journal row, no retry counted). A line is tried again at
/// the time its window frees, which the scheduler's one timer wakes it at; what waits stays
/// across reloads (they do not touch it) and is dropped at a stop (unrecorded: the next
/// start's catch-up sends it). A send is one group: a single job, or the members of a
/// bundle, which count as one send and wait together. Pure: no Asio, no journal.
class RateLines {
 public:
  using Group = std::vector<Job>;
  /// Starts `group` at `now` (its attempts recorded, handed to the lanes); returns whether
  /// anything was sent (false when none of it was still to send).
  using Start = std::function<bool(Group group)>;

  /// Whether a send of `channel` must wait: others wait before it, or its window is full.
  /// When one must, its time to try again.
  std::optional<SysSeconds> must_wait(const std::string& channel, RateGate& gate, SysSeconds now);
  /// Puts `group` at the end of `channel`'s line, to be tried at `at` (if the line is new).
  /// Jobs whose journal keys already wait are left out (a reload's catch-up of a stage that
  /// is waiting). A webhook body rendered ahead is rendered again when it goes, as a
  /// retry's is, so that its numbers are true when sent.
  void hold(const std::string& channel, Group group, SysSeconds at);
  /// Starts the sends of the lines due at `now` that their windows let through, in order,
  /// counting each that sent something; a line left waiting is tried again when its window
  /// next frees.
  void release(RateGate& gate, SysSeconds now, const Start& start);
  /// Every line is tried at `now` (a reload may have changed the rates).
  void wake_all(SysSeconds now);

  /// The earliest time a line is to be tried.
  std::optional<SysSeconds> next_wake() const;
  /// The channels whose line began since the last call, with the sends waiting in it: the
  /// bursts to tell of.
  std::vector<std::pair<std::string, std::size_t>> take_begun();
  /// The sends waiting (a bundle counts one).
  std::size_t size() const;
  /// Drops every line (a stop), returning how many deliveries they held.
  std::size_t clear();

 private:
  struct Line {
    std::deque<Group> groups;
    SysSeconds wake{};
  };
  std::map<std::string, Line> lines_;     // by channel name; none empty
  std::unordered_set<std::string> keys_;  // the journal keys waiting
  std::set<std::string> begun_;           // the lines begun since take_begun
};

}  // namespace deadlined::scheduler
