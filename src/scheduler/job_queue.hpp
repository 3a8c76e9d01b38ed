#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "scheduler/job.hpp"

namespace deadlined::scheduler {

/// The queue's order: by time (a pending occurrence's is its preparation time); at the same
/// time, work to send before occurrences whose reminders are still to be computed (so sends
/// due when deadlines are prepared, or a late burst, do not wait for every deadline to be
/// computed); then first queued first.
struct Later {
  bool operator()(const Job& a, const Job& b) const;
};

/// Leaves `send` no longer prepared, and a webhook body rendered ahead (which counts days
/// from its reminder's time) to be rendered again when it goes, as an email's is, so that
/// its numbers are true then: for a retry, or a send that waited for its channel's rate.
void render_when_sent(SendDelivery& send);

/// The jobs waiting for their time, the earliest on top. Pure: the caller passes `now`.
class JobQueue {
 public:
  void push(Job job);
  /// Moves the first job whose time has come at `now` off the queue into `job`; false,
  /// leaving `job` as it was, when none has.
  bool pop_due(SysSeconds now, Job& job);
  bool has_due(SysSeconds now) const { return !heap_.empty() && heap_.front().at <= now; }
  /// When the first job is due: the time to wake up at.
  std::optional<SysSeconds> next_wake() const;
  /// The next event people see: a pending occurrence's first stage rather than the time it is
  /// computed at.
  std::optional<SysSeconds> next_event() const;
  /// Drops every job a reload replaces; keeps retries and reports, and returns how many.
  std::size_t keep_carried_over();

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  /// Of those queued, the deliveries prepared ahead of their time.
  std::size_t prepared() const { return prepared_; }
  /// How many more deliveries may be prepared under `limit`: 0 once a reminder's
  /// deliveries have taken the queue past it.
  std::size_t prepared_room(std::size_t limit) const {
    return prepared_ < limit ? limit - prepared_ : 0;
  }

 private:
  std::vector<Job> heap_;  // a heap by Later: the earliest in front
  std::uint64_t sequence_ = 0;
  std::size_t prepared_ = 0;  // kept by hand: the heap cannot count without a scan
};

}  // namespace deadlined::scheduler
