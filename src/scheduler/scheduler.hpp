#pragma once

#include <atomic>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/config.hpp"
#include "delivery/channel.hpp"
#include "journal/journal.hpp"
#include "message/outbound.hpp"
#include "schedule/schedule.hpp"
#include "scheduler/wall_timer.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// Reads the wall clock, truncated to seconds. Replaceable for tests.
using Clock = std::function<SysSeconds()>;
SysSeconds system_now();

/// Sleeps on one wall-clock timer until the next reminder, sends it through its channels on a
/// worker pool (blocking libcurl calls never stall the event loop; each channel has a cap on
/// concurrent sends so one hanging server cannot take every worker), records every attempt
/// in the journal, retries what can be retried and reports to the Office what cannot.
/// All public members run on the io_context's thread.
class Scheduler {
 public:
  /// `clock` and `timer` default to the system's wall clock and a WallTimer; tests pass a
  /// simulated pair to step the clock.
  Scheduler(boost::asio::io_context& io, journal::Journal& journal, Clock clock = system_now,
            std::unique_ptr<Timer> timer = nullptr);
  ~Scheduler();

  /// Replaces the schedule with the one of `config`: upcoming reminders, plus the catch-up of
  /// stages missed while not running. Retries in progress are kept. Throws (leaving the
  /// running schedule as it was) when the journal cannot be read.
  void load(std::shared_ptr<const config::Config> config,
            std::shared_ptr<const delivery::ChannelSet> channels);

  /// Stops scheduling; sends that have not started (waiting in a lane or for a worker) are
  /// abandoned and stay pending or unrecorded, so the next start sends them; `on_idle` runs
  /// once no send is in progress.
  void stop(std::function<void()> on_idle);

  /// Waits for the worker threads; call after the io_context has stopped.
  void join();

  /// Outcomes since start, per channel name.
  struct ChannelStats {
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::uint64_t retries = 0;
  };
  const std::map<std::string, ChannelStats>& stats() const { return stats_; }

  std::optional<SysSeconds> next_event() const;
  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t queued() const { return queue_.size(); }
  /// Of those queued, the deliveries prepared ahead of their time (see the .cpp).
  std::size_t prepared() const { return prepared_; }

  /// Called after each change of the next event time (for the systemd STATUS line).
  std::function<void()> on_change;

 private:
  /// One message to one channel (and, for per-recipient channels, one address).
  struct Delivery {
    message::Outbound outbound;
    std::vector<std::string> recipients;
    journal::DeliveryRecord record;  // record.key is the journal key
    SysSeconds give_up_at{};
    bool is_report = false;
    std::string unit_id;
    std::string unit_name;
  };
  struct Job {
    SysSeconds at;
    std::uint64_t sequence = 0;
    std::shared_ptr<const config::Config> config;  // keeps the reminder's pointers alive
    std::shared_ptr<const delivery::ChannelSet> channels;
    // Set: a reminder (of an occurrence under way), or what a retry or report is about.
    // Shared and immutable, like the delivery: jobs stay small (most are pending
    // occurrences), and a retry or one delivery per channel copies the job cheaply.
    std::shared_ptr<const schedule::Reminder> reminder;
    // Set: a retry or a report, sent as it is.
    std::shared_ptr<const Delivery> delivery;
    // Set: compute this occurrence (queued k_prepare_ahead before its first stage).
    std::optional<schedule::Pending> pending;
    bool digest = false;  // the Office's morning digest
    // A delivery of a reminder, prepared ahead of its time (with the reminder set): sent
    // like a retry, but replaced like the reminder when the configuration is reloaded.
    bool prepared = false;
  };
  /// The queue's order: by time (a pending deadline's is its preparation time); at the same
  /// time, work to send before deadlines whose reminders are still to be computed (so sends
  /// due when deadlines are prepared, or a late burst, do not wait for every deadline to be
  /// computed); then first queued first.
  struct Later {
    bool operator()(const Job& a, const Job& b) const {
      if (a.at != b.at) return a.at > b.at;
      if (a.pending.has_value() != b.pending.has_value()) return a.pending.has_value();
      return a.sequence > b.sequence;
    }
  };
  /// A send whose attempt is recorded, to run on a worker.
  struct Send {
    Job job;
    delivery::Envelope envelope;
    delivery::Channel* channel = nullptr;
    SysSeconds at{};  // the time of the attempt: an email's Date
  };
  /// The sends of one channel whose attempts are committed, waiting for one of the
  /// channel's k_channel_concurrency slots. A slot is held by a worker sending one message
  /// after another, or by a transfer on the channel set's transfer loop, whose thread takes
  /// the next send when it ends: no round trip through the event loop per message. A free
  /// send takes the lowest free slot, whose number the channel is given (the transfer loop
  /// keeps a slot to one thread, and so to one connection). Shared with those threads,
  /// under its mutex.
  struct Lane {
    std::mutex mutex;
    std::deque<Send> ready;
    std::bitset<delivery::k_channel_concurrency> busy;  // the slots taken
  };

  void push(Job job);
  /// The catch-up and past-deadline reminders of `agenda` that the journal says are still
  /// to send; reads the journal, so it may throw.
  std::vector<schedule::Reminder> still_to_send(
      schedule::Agenda& agenda, const std::shared_ptr<const config::Config>& config,
      const std::shared_ptr<const delivery::ChannelSet>& channels, SysSeconds now) const;
  /// Queues the upcoming reminders of `agenda`, `catch_up` now, and its pending occurrences.
  void enqueue(schedule::Agenda& agenda, std::vector<schedule::Reminder> catch_up,
               const std::shared_ptr<const config::Config>& config,
               const std::shared_ptr<const delivery::ChannelSet>& channels, SysSeconds now);
  /// Queues each delivery of `reminder`, due a little after `now`, prepared (its webhook
  /// bodies rendered) so that its send starts as soon as it is due.
  void prepare(const std::shared_ptr<const schedule::Reminder>& reminder,
               const std::shared_ptr<const config::Config>& config,
               const std::shared_ptr<const delivery::ChannelSet>& channels, SysSeconds now);
  void materialise(const Job& job, SysSeconds now);
  void arm();
  void on_timer(bool reached);
  /// Dispatches the jobs whose time has come, a chunk at a time.
  void dispatch_due();
  /// Dispatches one job; if the journal cannot record it, queues it again for later.
  void dispatch_or_defer(Job job, SysSeconds now);
  /// Runs `work` with its journal writes in one transaction, then hands on the sends it
  /// started: an attempt is durable before its message goes out, and a burst costs one
  /// sync. If the transaction fails, those sends go back in the queue.
  void in_batch(const std::function<void()>& work);
  void dispatch(const Job& job, SysSeconds now);
  std::vector<Delivery> deliveries_of(const config::Config& config,
                                      const delivery::ChannelSet& channels,
                                      const schedule::Reminder& reminder, SysSeconds now) const;
  void start(Job job, SysSeconds now);
  /// Hands a send whose attempt is committed to its lane: starts it if the lane has a free
  /// slot (on the transfer loop, or on a worker for a blocking channel), else queues it.
  void enqueue_send(Send send);
  /// The lane's next send; none, and the caller's slot released, when it is empty.
  std::optional<Send> take(Lane& lane, std::size_t slot);
  /// Holding one of the lane's slots: sends `send`, then the lane's next ones, until the
  /// lane is empty or a transfer goes on to the transfer loop with the slot.
  void run_lane(Lane& lane, std::size_t slot, Send send);
  /// Leaves an outcome for the event loop to record (any thread).
  void finish(Job job, delivery::Outcome outcome);
  /// Records the outcomes left in `finished_`, in one transaction.
  void record_finished();
  /// Records an outcome; a delivered one's key is added to `delivered`, for the caller to
  /// write with the others.
  void record_outcome(Job job, delivery::Outcome outcome, std::vector<std::string>& delivered);
  void report_failure(const Job& job, const delivery::Outcome& outcome, SysSeconds now);
  /// Queues a message to the monitor unit (failure report, digest), sent as it is.
  void queue_report(const std::shared_ptr<const config::Config>& config,
                    const std::shared_ptr<const delivery::ChannelSet>& channels,
                    const config::Unit& monitor, message::Outbound outbound,
                    const std::string& kind, const std::string& day, SysSeconds now,
                    SysSeconds give_up_at);
  /// When the next digest is due (see the .cpp).
  static SysSeconds next_digest(const config::Config& config, SysSeconds now, bool after_today);
  void send_digest(const Job& job, SysSeconds now);
  std::chrono::seconds backoff(const config::Config& config, int attempts);

  boost::asio::io_context& io_;
  journal::Journal& journal_;
  Clock clock_;
  std::unique_ptr<Timer> timer_;
  boost::asio::thread_pool workers_{8};
  std::priority_queue<Job, std::vector<Job>, Later> queue_;
  std::map<std::string, Lane> lanes_;          // by channel name
  std::unordered_set<std::string> in_flight_;  // journal keys started and not yet recorded
  std::set<std::string> reported_;             // failure report ids sent by this process
  std::map<std::string, ChannelStats> stats_;
  std::vector<Send> unposted_;  // started in the current batch, handed on when it commits
  bool in_batch_ = false;
  std::mutex finished_mutex_;  // guards finished_, which the sending threads fill
  std::vector<std::pair<Job, delivery::Outcome>> finished_;  // sent, not recorded yet
  boost::asio::steady_timer record_timer_{io_};              // when to record them
  std::uint64_t sequence_ = 0;
  std::size_t prepared_ = 0;  // prepared deliveries in queue_
  bool stopping_ = false;
  /// stopping_ as seen by the workers: a send queued in the pool does not start after stop().
  std::atomic<bool> stop_requested_{false};
  std::function<void()> on_idle_;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace deadlined::scheduler
