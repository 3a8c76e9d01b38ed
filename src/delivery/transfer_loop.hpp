#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace deadlined::delivery::detail {

/// libcurl multi handles and the threads that drive them: the transfers of every webhook
/// channel of a ChannelSet run side by side, each thread waiting on all the sockets of its
/// transfers at once. A burst then costs one wakeup per batch of replies, not one thread
/// switch per message, and it can use more than one core (docs/PERFORMANCE.md).
///
/// A transfer runs on the thread its `affinity` names (modulo their number): the transfers
/// of one scheduler slot of one channel always run on the same thread, one after another,
/// and so reuse that thread's connection: a receiver gets no more connections than it gets
/// transfers at once. One added from its own thread (by the `done` of the slot's last
/// transfer) needs no wakeup. Each thread starts with its first transfer and sleeps without
/// a timeout while it has none. Connections stay in each thread's cache between transfers
/// (HTTP keep-alive).
class TransferLoop {
 public:
  /// `connections`: how many idle connections each thread's cache keeps open; `threads`: at
  /// most how many threads run transfers (at least one).
  explicit TransferLoop(std::size_t connections, std::size_t threads = 1);
  /// stop().
  ~TransferLoop();
  TransferLoop(const TransferLoop&) = delete;
  TransferLoop& operator=(const TransferLoop&) = delete;

  using Done = std::function<void(CURLcode)>;
  /// Runs the transfer `easy` is set up for on the thread of `affinity`; `done` is called on
  /// that thread once it has finished and `easy` is out of the multi handle. Thread-safe,
  /// callable from `done`.
  void add(CURL* easy, std::size_t affinity, Done done);

  /// Waits for the transfers in progress (channels abort theirs at shutdown) and ends the
  /// threads; a transfer added after it fails. Call it from a thread of none of the loop's
  /// transfers (the runtime's, at shutdown); a second call does nothing.
  void stop();

  /// How many threads have started so far.
  std::size_t threads_started() const;

 private:
  struct Worker;
  std::vector<std::shared_ptr<Worker>> workers_;
};

}  // namespace deadlined::delivery::detail
