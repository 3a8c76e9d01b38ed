#pragma once

#include <atomic>
#include <cstddef>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "delivery/transfer_loop.hpp"

namespace deadlined::app {

/// The execution resources of the process, made once by the app and lent to everything
/// else by reference: the io_context (the event loop, run by the thread that calls
/// io().run()), the pool that runs blocking sends (SMTP, Maildir), the transfer loop that
/// runs webhook transfers, and a background thread for work that must not hold up the loop
/// (reading the files of a reload, building a calendar feed). Nothing else starts a
/// long-lived thread.
class Runtime {
 public:
  /// How many threads send blocking channels' messages (each channel at most
  /// k_channel_concurrency of them at once).
  static constexpr std::size_t k_workers = 8;
  /// How many idle connections each transfer-loop thread keeps open.
  static constexpr std::size_t k_idle_connections = 256;

  Runtime();
  /// shutdown().
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  boost::asio::io_context& io() { return io_; }
  boost::asio::thread_pool& workers() { return workers_; }
  /// Not shared with sends: a reload or a feed never waits behind an SMTP timeout.
  boost::asio::thread_pool& background() { return background_; }
  delivery::detail::TransferLoop& transfer_loop() { return transfer_loop_; }
  /// Set once transfers in progress are to be cut short; polled by the channels.
  std::atomic<bool>& abort() { return abort_; }

  /// Ends every thread, in this order, once the event loop has returned: transfers still in
  /// progress are aborted, the pool's sends finish and its threads end, the background
  /// thread finishes its work, then the transfer loop's threads. The handlers they posted stay in
  /// the io_context until it is destroyed. Call from the event loop's thread; a second call does
  /// nothing.
  void shutdown();

 private:
  std::atomic<bool> abort_{false};
  delivery::detail::TransferLoop transfer_loop_;
  boost::asio::thread_pool workers_{k_workers};
  boost::asio::thread_pool background_{1};
  // Destroyed first: the handlers it still holds release their jobs' channel sets while the
  // transfer loop those were built on is still there.
  boost::asio::io_context io_;
};

}  // namespace deadlined::app
