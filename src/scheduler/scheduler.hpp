#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/config.hpp"
#include "delivery/channel.hpp"
#include "journal/store.hpp"
#include "scheduler/bundles.hpp"
#include "scheduler/clock.hpp"
#include "scheduler/disabled_channels.hpp"
#include "scheduler/job_queue.hpp"
#include "scheduler/obsolete_sends.hpp"
#include "scheduler/office_reports.hpp"
#include "scheduler/rate_gate.hpp"
#include "scheduler/rate_lines.hpp"
#include "scheduler/retry_policy.hpp"
#include "scheduler/send_lanes.hpp"
#include "scheduler/wall_timer.hpp"

namespace deadlined::scheduler {

using delivery::ChannelStats;

/// The coordinator on the event loop: sleeps on one wall-clock timer until the next job of
/// its queue, has the planner turn the agenda into jobs, records each attempt in the journal
/// before its send goes to the send lanes (once its channel's rate lets it start: a send
/// past the rate waits in RateLines, unrecorded, woken by the same timer), and acts on the
/// retry policy's verdict on each outcome. Sends run on the runtime's threads (a worker pool for
/// blocking channels, the transfer loop for webhooks); every public member runs on the io_context's
/// thread.
class Scheduler {
 public:
  /// `workers` runs blocking sends; `clock` and `timer` default to the system's wall clock
  /// and a WallTimer; tests pass a simulated pair to step the clock, and a record window of
  /// 0 to have outcomes recorded without a real-time wait (see SendLanes).
  Scheduler(boost::asio::io_context& io, boost::asio::thread_pool& workers, journal::Store& journal,
            Clock clock = system_now, std::unique_ptr<Timer> timer = nullptr,
            std::chrono::milliseconds record_window = SendLanes::k_record_window);

  /// Replaces the schedule with the one of `config`: upcoming reminders, plus the catch-up of
  /// stages missed while not running. Retries in progress are kept. Throws (leaving the
  /// running schedule as it was) when the journal cannot be read. With `extensions`, the
  /// parts extended are scheduled on their deadlines in force, and sends of the deadlines
  /// they replace (queued, or retried) are dropped when they come; the notices of the
  /// decisions not yet delivered go out.
  void load(std::shared_ptr<const config::Config> config,
            std::shared_ptr<const delivery::ChannelSet> channels,
            std::shared_ptr<const schedule::Extensions> extensions = nullptr);

  /// Stops scheduling; sends that have not started (waiting in a lane or for a worker, or
  /// for their channel's rate) are abandoned and stay pending or unrecorded, so the next
  /// start sends them; `on_idle` runs once no send is in progress.
  void stop(std::function<void()> on_idle);

  /// The webhooks disabled after a 410 Gone, by channel name.
  const std::map<std::string, journal::DisabledChannel>& disabled_channels() const {
    return disabled_.entries();
  }
  /// Outcomes since start, per channel name.
  const std::map<std::string, ChannelStats>& stats() const { return stats_; }

  std::optional<SysSeconds> next_event() const;
  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t queued() const { return queue_.size(); }
  /// Of those queued, the deliveries prepared ahead of their time.
  std::size_t prepared() const { return queue_.prepared(); }
  /// The sends waiting for their channel's rate (a bundle counts one).
  std::size_t rate_waiting() const { return rate_lines_.size(); }

  /// Called after each change of the next event time (for the systemd STATUS line).
  std::function<void()> on_change;

 private:
  void arm();
  /// Dispatches the jobs whose time has come, a chunk at a time.
  void dispatch_due();
  /// Dispatches one job; if the journal cannot record it, queues it again for later.
  void dispatch_or_defer(Job job, SysSeconds now);
  void dispatch(const Job& job, SysSeconds now);
  /// Runs `work` with its journal writes in one transaction, then hands on the sends it
  /// started: an attempt is durable before its message goes out, and a burst costs one
  /// sync. If the transaction fails, those sends go back in the queue.
  void in_batch(const std::function<void()>& work);
  /// Queues `job` again after the journal failed to record its attempt with `what`.
  void defer(Job job, SysSeconds now, const char* what);
  /// Hands a send job to the grouping stage, or, when it is not bundled, starts it.
  void offer(Job job, SysSeconds now);
  /// Starts a group of the grouping stage or a send job alone (one send) when its channel's rate
  /// lets it, else has it wait in the channel's line (RateLines).
  void start_group(std::vector<Job> group, SysSeconds now);
  /// Starts a group: its members whose attempts are recorded go as one bundle, or, when one
  /// is left, as it is (to the lanes, after the batch commits). Whether anything went.
  bool send_group(std::vector<Job> group, SysSeconds now);
  /// Starts the sends waiting for their channel's rate that it now lets through, dropping
  /// those that have lost their point meanwhile.
  void release_waiting(SysSeconds now);
  /// Tells of each channel whose sends have begun to wait for its rate.
  void tell_waiting();
  /// Records the attempt of a single send job; false, recording nothing, when it is not to
  /// be sent (in flight, its channel disabled, already delivered or failed).
  bool admit(const Job& job, SysSeconds now);
  /// Hands an admitted send job (a bundle: its members admitted) to the lanes.
  void launch(Job job, SysSeconds now);
  /// Records a batch of outcomes, in one transaction.
  void record(SendLanes::Finished finished);
  /// Records an outcome; a delivered one's key is added to `delivered`, for the caller to
  /// write with the others.
  void record_outcome(Job job, delivery::Outcome outcome, std::vector<std::string>& delivered);
  /// Acts on `verdict` on the `attempts`-th attempt of one delivery (a bundle's member).
  void apply(Job job, const delivery::Outcome& outcome, const Verdict& verdict, int attempts,
             SysSeconds now, std::vector<std::string>& delivered);

  boost::asio::io_context& io_;
  journal::Store& journal_;
  std::shared_ptr<const Generation> current_;  // the latest load
  Clock clock_;
  std::unique_ptr<Timer> timer_;
  JobQueue queue_;
  Bundler bundles_;  // sends dispatched, waiting for the rest of their instant's group
  OfficeReports reports_{queue_};
  std::unordered_set<std::string> in_flight_;  // journal keys started and not yet recorded
  std::map<std::string, ChannelStats> stats_;
  ObsoleteSends obsolete_{journal_};
  RateGate rates_;        // the windows of the channels with a rate, per the latest load
  RateLines rate_lines_;  // sends waiting for their channel's rate
  DisabledChannels disabled_{journal_};
  std::vector<Send> unposted_;  // started in the current batch, handed on when it commits
  bool in_batch_ = false;
  bool stopping_ = false;
  std::function<void()> on_idle_;
  std::mt19937 random_{std::random_device{}()};
  SendLanes lanes_;
};

}  // namespace deadlined::scheduler
