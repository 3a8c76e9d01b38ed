#pragma once

#include <atomic>
#include <bitset>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "delivery/channel.hpp"
#include "scheduler/job.hpp"

namespace deadlined::scheduler {

/// A send whose attempt is recorded, waiting to go out.
struct Send {
  Job job;  ///< a SendDelivery or SendReport
  delivery::Envelope envelope;
  delivery::Channel* channel = nullptr;
  SysSeconds at{};  ///< the time of the attempt: an email's Date
};

/// The sends in progress, one lane per channel with k_channel_concurrency slots, and the
/// hand-off between threads: the only part of the scheduler that other threads touch, and
/// the only one with mutexes. A slot is held by a worker of the pool sending one message
/// after another (blocking channels), or by a transfer on the transfer loop, whose thread
/// takes the next send when it ends: no round trip through the event loop per message. A
/// free send takes the lowest free slot, whose number the channel is given (the transfer
/// loop keeps a slot to one thread, and so to one connection). Outcomes are gathered and
/// handed to the event loop in batches.
class SendLanes {
 public:
  using Finished = std::vector<std::pair<Job, delivery::Outcome>>;

  /// Outcomes are handed over this long after the first of them (a journal sync blocks
  /// the event loop, so a burst's are recorded together)...
  static constexpr std::chrono::milliseconds k_record_window{20};
  /// ...or as soon as this many have come.
  static constexpr std::size_t k_record_batch = 256;

  /// `on_finished` runs on `io`'s thread with the outcomes that have come since its last
  /// call: `record_window` after the first of them (at once for 0), or as soon as
  /// k_record_batch have come.
  SendLanes(boost::asio::io_context& io, boost::asio::thread_pool& workers,
            std::function<void(Finished)> on_finished,
            std::chrono::milliseconds record_window = k_record_window);

  /// Starts `send` on a free slot of its channel's lane, or queues it there. Event loop only.
  void enqueue(Send send);

  /// Sends not yet started stop being started: those waiting in a lane are returned (their
  /// attempts stay pending), and those a worker has not begun finish as retryable.
  /// Event loop only.
  std::vector<Send> stop();

 private:
  struct Lane {
    std::mutex mutex;
    std::deque<Send> ready;
    std::bitset<delivery::k_channel_concurrency> busy;  // the slots taken
  };

  /// The lane's next send; none, and the caller's slot released, when it is empty.
  std::optional<Send> take(Lane& lane, std::size_t slot);
  /// Holding one of the lane's slots: sends `send`, then the lane's next ones, until the
  /// lane is empty or a transfer goes on to the transfer loop with the slot.
  void run_lane(Lane& lane, std::size_t slot, Send send);
  /// Runs the lane on a worker of the pool.
  void post_to_worker(Lane& lane, std::size_t slot, Send send);
  /// Leaves an outcome for the event loop (any thread).
  void finish(Job job, delivery::Outcome outcome);
  void hand_over();

  boost::asio::io_context& io_;
  boost::asio::thread_pool& workers_;
  std::function<void(Finished)> on_finished_;
  std::map<std::string, Lane> lanes_;  // by channel name; nodes stay put for the threads
  std::atomic<bool> stop_requested_{false};
  std::mutex finished_mutex_;  // guards finished_
  Finished finished_;
  boost::asio::steady_timer record_timer_;
  std::chrono::milliseconds record_window_;
};

/// The message of `job` as it goes out at `at`: prepared (a report, a webhook rendered ahead)
/// or rendered now, on the sending thread (a bundle's too).
std::string content_of(const Job& job, SysSeconds at);

}  // namespace deadlined::scheduler
