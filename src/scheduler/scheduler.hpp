#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
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
/// small worker pool (blocking libcurl calls never stall the event loop), and records every
/// attempt in the journal. All public members run on the io_context's thread.
class Scheduler {
 public:
  Scheduler(boost::asio::io_context& io, journal::Journal& journal, Clock clock = system_now);
  ~Scheduler();

  /// Replaces the schedule with the one of `config`: upcoming reminders, plus the catch-up of
  /// stages missed while not running. Retries in progress are kept.
  void load(std::shared_ptr<const config::Config> config,
            std::shared_ptr<const delivery::ChannelSet> channels);

  /// Stops scheduling; `on_idle` runs once no delivery is in flight.
  void stop(std::function<void()> on_idle);

  /// Waits for the worker threads; call after the io_context has stopped.
  void join();

  std::optional<SysSeconds> next_event() const;
  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t queued() const { return queue_.size(); }

  /// Called after each change of the next event time (for the systemd STATUS line).
  std::function<void()> on_change;

 private:
  struct Job {
    SysSeconds at;
    std::uint64_t sequence = 0;
    std::shared_ptr<const config::Config> config;  // keeps the reminder's pointers alive
    std::shared_ptr<const delivery::ChannelSet> channels;
    schedule::Reminder reminder;
    std::optional<message::Outbound> retry;  // set: a retry of exactly this message
  };
  struct Later {
    bool operator()(const Job& a, const Job& b) const {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };

  void push(Job job);
  void arm();
  void on_timer(bool reached);
  void dispatch(const Job& job, SysSeconds now);
  void do_send(const Job& job, message::Outbound outbound, SysSeconds now);
  void on_sent(Job job, message::Outbound outbound, delivery::Outcome outcome);
  void record_outcome(Job job, message::Outbound outbound, delivery::Outcome outcome);
  std::chrono::seconds backoff(const config::Config& config, int attempts);

  boost::asio::io_context& io_;
  journal::Journal& journal_;
  Clock clock_;
  WallTimer timer_;
  boost::asio::thread_pool workers_{4};
  std::priority_queue<Job, std::vector<Job>, Later> queue_;
  std::set<std::string> in_flight_;
  std::uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::function<void()> on_idle_;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace deadlined::scheduler
