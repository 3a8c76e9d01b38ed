#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <memory>

namespace deadlined::delivery::detail {

/// A libcurl multi handle and the thread that drives it: the transfers of every webhook
/// channel of a ChannelSet run side by side on that one thread, which waits on all their
/// sockets at once. A burst then costs one wakeup per batch of replies, not one thread
/// switch per message (docs/PERFORMANCE.md). The thread starts with the first transfer and
/// sleeps without a timeout while there is none. Connections stay in the multi handle's
/// cache between transfers (HTTP keep-alive).
class TransferLoop {
 public:
  /// `connections`: how many idle connections the cache keeps open.
  explicit TransferLoop(std::size_t connections);
  /// Waits for the transfers in progress (channels abort theirs at shutdown). Safe on the
  /// loop's own thread: it then lets the thread finish on its own.
  ~TransferLoop();
  TransferLoop(const TransferLoop&) = delete;
  TransferLoop& operator=(const TransferLoop&) = delete;

  using Done = std::function<void(CURLcode)>;
  /// Runs the transfer `easy` is set up for; `done` is called on the loop's thread once it
  /// has finished and `easy` is out of the multi handle. Thread-safe, callable from `done`.
  void add(CURL* easy, Done done);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace deadlined::delivery::detail
