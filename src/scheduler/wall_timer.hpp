#pragma once

#include <chrono>
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
///
/// The kernel keeps an absolute timer on its instant across a step, so a step matters only
/// for what it makes due. Some machines step their clock by milliseconds several times a
/// second (a hypervisor's time sync): a step is reported only once the clock has moved by
/// at least `report_step` from where it stood against the monotonic clock when the wait
/// began; smaller ones are absorbed and the wait goes on.
class WallTimer final : public Timer {
 public:
  static constexpr std::chrono::nanoseconds k_report_step = std::chrono::seconds{1};

  explicit WallTimer(boost::asio::io_context& io,
                     std::chrono::nanoseconds report_step = k_report_step);
  ~WallTimer() override;
  WallTimer(const WallTimer&) = delete;
  WallTimer& operator=(const WallTimer&) = delete;

  void async_wait_until(date::sys_seconds at, Handler handler) override;
  void cancel() override;

 private:
  void do_wait();
  void on_readable(std::uint64_t generation);

  boost::asio::posix::stream_descriptor descriptor_;
  std::chrono::nanoseconds report_step_;
  /// CLOCK_REALTIME minus CLOCK_MONOTONIC when the wait began: a step moves it.
  std::chrono::nanoseconds offset_at_arm_{};
  Handler handler_;
  std::uint64_t generation_ = 0;
};

}  // namespace deadlined::scheduler
