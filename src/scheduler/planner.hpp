#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "journal/store.hpp"
#include "scheduler/job.hpp"

namespace deadlined::scheduler {

/// A deadline's reminders are computed this long before its first stage, and those due
/// within this time are prepared: their deliveries worked out and their webhook bodies
/// rendered. A burst due at one instant then starts sending at that instant, instead of
/// computing and rendering thousands of messages first (docs/PERFORMANCE.md).
inline constexpr std::chrono::seconds k_prepare_ahead{2};
/// At most this many prepared deliveries wait in the queue (with their bodies, about 1 KB
/// each); past it, reminders are prepared when they are due.
inline constexpr std::size_t k_prepared_limit = 16384;
/// Reminders found this long after their time when (re)loading are marked late.
inline constexpr std::chrono::seconds k_late_grace{60};

/// What the planner reads of the journal: the state of a delivery, by its key.
class DeliveryStates {
 public:
  virtual ~DeliveryStates() = default;
  /// Throws when the journal cannot be read.
  virtual std::optional<journal::State> state_of(const std::string& key) = 0;
};

/// The jobs of a (re)load, and what they are, for the log.
struct LoadPlan {
  std::vector<Job> jobs;
  std::size_t waiting = 0;   ///< occurrences whose reminders have not begun
  std::size_t upcoming = 0;  ///< reminders still to come of occurrences under way
  std::size_t caught_up = 0;
};

/// Turns a configuration's agenda at `now` into jobs: no Asio, no clock, no journal writes.
class Planner {
 public:
  /// `prepared_room`: how many more deliveries may be prepared ahead (k_prepared_limit less
  /// those queued).
  /// `installed`: when the journal was created. Deadlines before the day of
  /// `[service] chase_from`, or else of `installed`, are not chased; a stage missed before
  /// `installed` is caught up without the late note (the service was not down: it was not
  /// there).
  Planner(std::shared_ptr<const Generation> generation, SysSeconds now, std::size_t prepared_room,
          std::optional<SysSeconds> installed = std::nullopt);

  /// The whole schedule at `now`: upcoming reminders (prepared when due within
  /// k_prepare_ahead), the catch-up of stages missed that `states` says are still to send (in
  /// office hours: see office_hours), attempts cut short past the deadline (at once), and a
  /// job per occurrence not begun.
  /// Throws when `states` does.
  LoadPlan load(DeliveryStates& states);

  /// The jobs of an occurrence whose preparation time has come: its reminders (the journal
  /// skips those already delivered) and its next occurrence.
  std::vector<Job> occurrence(const schedule::Pending& pending);

 private:
  /// The jobs of the stages missed while the daemon was down: within office hours at once,
  /// outside them at the next working morning (schedule::catch_up_time), and none for a stage
  /// that a later one of the same unit's part, due by then in `agenda.upcoming`, supersedes.
  /// Logs each; `resumed` (attempts cut short after the deadline) only for the log.
  std::vector<Job> office_hours(const schedule::Agenda& agenda,
                                std::vector<schedule::Reminder> catch_up,
                                const std::vector<schedule::Reminder>& resumed) const;
  /// Adds a job per upcoming reminder of `agenda` to `out`.
  void add_upcoming(schedule::Agenda& agenda, std::vector<Job>& out);
  /// Adds a job per pending occurrence of `agenda`, at its preparation time.
  void add_later(const schedule::Agenda& agenda, std::vector<Job>& out) const;
  /// Each delivery of `reminder`, prepared (webhook bodies rendered) to start once it is due.
  void prepare(const std::shared_ptr<const schedule::Reminder>& reminder, std::vector<Job>& out);
  Job job(SysSeconds at, Work work) const { return Job{at, 0, generation_, std::move(work)}; }
  /// Whether `reminder`'s deadline is chased (not before chase_from).
  bool chased(const schedule::Reminder& reminder) const {
    return !chase_from_ || reminder.due >= *chase_from_;
  }

  std::shared_ptr<const Generation> generation_;
  SysSeconds now_;
  std::size_t prepared_room_;
  std::optional<SysSeconds> installed_;
  std::optional<SysSeconds> chase_from_;  ///< the start of the chase_from day
};

}  // namespace deadlined::scheduler
