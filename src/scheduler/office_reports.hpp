#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "scheduler/digest.hpp"
#include "scheduler/job_queue.hpp"

namespace deadlined::scheduler {

/// The Office's reports as jobs for the queue: the report of an address that could not be
/// reached (one a day per address, per process) and the morning digest. Sent as they are,
/// retried for a day, kept across reloads.
class OfficeReports {
 public:
  explicit OfficeReports(JobQueue& queue) : queue_(queue) {}

  /// Queues the report of the failure of `job`'s delivery with `outcome`, unless its
  /// address was reported today.
  void delivery_failed(const Job& job, const delivery::Outcome& outcome, SysSeconds now);

  /// For a digest tick at `now`: queues the next tick and, when some unit has work open and
  /// the tick is on time (digest_on_time), the digest, with each unit's confirmation as
  /// `latest` says.
  void digest(const Job& job, SysSeconds now, const schedule::Extensions& extensions,
              const LatestConfirmation& latest);

 private:
  /// Queues report `id` to the monitor unit through each channel of `outbounds`.
  void queue(const std::shared_ptr<const Generation>& generation,
             const std::vector<message::Outbound>& outbounds, const ids::ReportId& id,
             SysSeconds now);

  JobQueue& queue_;
  std::set<std::string> reported_;  // failure report ids queued by this process
};

}  // namespace deadlined::scheduler
