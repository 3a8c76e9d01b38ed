#include "scheduler/wall_timer.hpp"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace deadlined::scheduler {
namespace {

int create_timerfd() {
  int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("timerfd_create: ") + std::strerror(errno));
  return fd;
}

std::chrono::nanoseconds since_epoch(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return std::chrono::seconds{ts.tv_sec} + std::chrono::nanoseconds{ts.tv_nsec};
}

/// Where the wall clock stands against the monotonic one; a step of the wall clock moves it.
std::chrono::nanoseconds wall_offset() {
  return since_epoch(CLOCK_REALTIME) - since_epoch(CLOCK_MONOTONIC);
}

}  // namespace

WallTimer::WallTimer(boost::asio::io_context& io, std::chrono::nanoseconds report_step)
    : descriptor_(io, create_timerfd()), report_step_(report_step) {}

WallTimer::~WallTimer() {
  cancel();
}

void WallTimer::async_wait_until(date::sys_seconds at, Handler handler) {
  cancel();
  handler_ = std::move(handler);
  itimerspec spec{};
  auto seconds = at.time_since_epoch().count();
  // An it_value of zero would disarm the timer; the epoch is long past, so use 1 ns.
  spec.it_value.tv_sec = seconds > 0 ? static_cast<time_t>(seconds) : 0;
  spec.it_value.tv_nsec = seconds > 0 ? 0 : 1;
  offset_at_arm_ = wall_offset();
  // ECANCELED: the clock was set since the last read, and the timer is armed all the same
  // (timerfd_create(2), NOTES). The caller plans from the clock as it is now: not an error.
  if (::timerfd_settime(descriptor_.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                        &spec, nullptr) != 0 &&
      errno != ECANCELED) {
    throw std::runtime_error(std::string("timerfd_settime: ") + std::strerror(errno));
  }
  do_wait();
}

void WallTimer::cancel() {
  ++generation_;
  handler_ = nullptr;
  itimerspec disarm{};
  ::timerfd_settime(descriptor_.native_handle(), 0, &disarm, nullptr);
  boost::system::error_code ignored;
  descriptor_.cancel(ignored);
}

void WallTimer::do_wait() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this, generation = generation_](const boost::system::error_code& ec) {
                           // operation_aborted follows cancel(); a stale generation means a
                           // newer wait replaced this one after its completion was queued.
                           if (ec || generation != generation_) return;
                           on_readable(generation);
                         });
}

void WallTimer::on_readable(std::uint64_t generation) {
  std::uint64_t expirations = 0;
  ssize_t n = ::read(descriptor_.native_handle(), &expirations, sizeof expirations);
  if (n < 0 && errno == EAGAIN) return do_wait();
  bool reached = n == static_cast<ssize_t>(sizeof expirations);
  if (!reached && errno == ECANCELED) {
    // The clock was set while we waited (TFD_TIMER_CANCEL_ON_SET); the timer stays armed on
    // its instant. A step too small to matter is absorbed, however often it comes.
    auto step = wall_offset() - offset_at_arm_;
    if (step < report_step_ && -step < report_step_) return do_wait();
  }
  Handler handler = std::move(handler_);
  handler_ = nullptr;
  if (handler && generation == generation_) handler(reached);
}

}  // namespace deadlined::scheduler
