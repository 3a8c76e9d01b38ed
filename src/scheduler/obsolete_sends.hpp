#pragma once

#include <map>
#include <optional>
#include <string>

#include "journal/store.hpp"
#include "scheduler/job.hpp"

namespace deadlined::scheduler {

/// The stage that drops a send which has lost its point when it comes (dispatched, or let
/// through by its channel's rate): its unit has confirmed the task done, an extension has
/// replaced its deadline since, or, for a retry, a later stage of its lineage has been
/// delivered since it first failed. Keeps, per lineage, the retries queued. On the event
/// loop: logs, reads the journal and closes the row of a retry it drops.
class ObsoleteSends {
 public:
  explicit ObsoleteSends(journal::Store& journal) : journal_(journal) {}

  /// Whether `r` is not to be sent any more: its unit has confirmed, or `current` (the latest
  /// load; null: none yet) has replaced its deadline. Logs why.
  bool skip(const schedule::Reminder& r, const Generation* current);
  /// Whether `send` is to be dropped: skipped as above, or a retry superseded. A retry
  /// dropped has its row closed (as failed, unless it stops for a confirmation) and ends.
  bool drop(const SendDelivery& send, SysSeconds now, const Generation* current);

  /// The first retry of `d` has been queued.
  void retry_queued(const Delivery& d);
  /// `d` has been delivered: the retries of earlier stages of its lineage lose their point.
  void delivered(const Delivery& d);
  /// A retry of a stage of `lineage` has ended (delivered, failed or dropped).
  void retry_ended(const std::string& lineage);

 private:
  /// Whether `r` is about a deadline an extension has replaced since it was made.
  static bool replaced(const schedule::Reminder& r, const Generation* current);
  /// Whether a retry of `d` has lost its point: a later stage of its lineage has been
  /// delivered since it first failed.
  bool superseded(const Delivery& d) const;

  /// For each lineage with a retry queued: how many, and the time of the latest stage of it
  /// delivered since.
  struct Retrying {
    int retries = 0;
    std::optional<SysSeconds> latest_delivered;
  };
  journal::Store& journal_;
  std::map<std::string, Retrying> retrying_;
};

}  // namespace deadlined::scheduler
