#pragma once

#include <cstdint>
#include <functional>

#include <date/date.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace deadlined::scheduler {

/// A one-shot timer on the wall clock that also reports steps of that clock.
class Timer {
 public:
  /// Called with true when the instant is reached, false when the clock was stepped first.
  using Handler = std::function<void(bool reached)>;
  virtual ~Timer() = default;
  /// Replaces any earlier wait. An instant in the past fires at once.
  virtual void async_wait_until(date::sys_seconds at, Handler handler) = 0;
  /// Cancels the wait; its handler is never called.
  virtual void cancel() = 0;
};

/// A one-shot timer on the wall clock (CLOCK_REALTIME) that also reports when the clock is
/// set. Asio's own timers measure against a clock the epoll reactor re-reads only every few
/// minutes; a timerfd with TFD_TIMER_CANCEL_ON_SET wakes exactly at the wall-clock instant
/// and tells us when NTP or an administrator steps the clock, so we can re-plan.
class WallTimer final : public Timer {
 public:
  explicit WallTimer(boost::asio::io_context& io);
  ~WallTimer() override;
  WallTimer(const WallTimer&) = delete;
  WallTimer& operator=(const WallTimer&) = delete;

  void async_wait_until(date::sys_seconds at, Handler handler) override;
  void cancel() override;

 private:
  void do_wait();
  void on_readable(std::uint64_t generation);

  boost::asio::posix::stream_descriptor descriptor_;
  Handler handler_;
  std::uint64_t generation_ = 0;
};

}  // namespace deadlined::scheduler
