// The real WallTimer against the real kernel when the wall clock is set. Setting
// CLOCK_REALTIME needs CAP_SYS_TIME: the test sets the clock to the value it reads, a step of
// well under a microsecond that the kernel nonetheless reports to every timerfd armed with
// TFD_TIMER_CANCEL_ON_SET, as it would a step by NTP or by an administrator. Without the
// capability the whole file exits 77, which ctest reports as skipped.
//
// What this proves: re-arming after a step is not an error (timerfd_settime fails with
// ECANCELED then, yet arms the timer); a step too small to matter is absorbed and the wait
// ends at its instant; a step at or above the reporting threshold is reported at once.
#define CATCH_CONFIG_RUNNER
#include <time.h>

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "scheduler/scheduler.hpp"
#include "scheduler/wall_timer.hpp"

using namespace deadlined;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

/// Sets the wall clock to where it stands: a step of nothing, reported all the same.
int set_clock_to_itself() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return ::clock_settime(CLOCK_REALTIME, &now) == 0 ? 0 : errno;
}

struct Fired {
  int count = 0;
  bool reached = false;
  std::chrono::steady_clock::duration after{};
};

}  // namespace

TEST_CASE("re-arming the wall timer after the clock was set arms it, without an error",
          "[scheduler][clock][root]") {
  boost::asio::io_context io;
  scheduler::WallTimer timer(io);
  Fired fired;
  timer.async_wait_until(scheduler::system_now() + seconds{3600}, [&](bool) { ++fired.count; });
  REQUIRE(set_clock_to_itself() == 0);
  // The step is not read yet: the kernel answers this timerfd_settime with ECANCELED.
  auto start = std::chrono::steady_clock::now();
  REQUIRE_NOTHROW(timer.async_wait_until(scheduler::system_now() + seconds{2}, [&](bool r) {
    ++fired.count, fired.reached = r, fired.after = std::chrono::steady_clock::now() - start;
  }));
  io.run_for(milliseconds{3500});
  CHECK(fired.count == 1);
  CHECK(fired.reached);
  CHECK(fired.after >= milliseconds{990});
}

TEST_CASE("a step of the clock below the threshold is absorbed: the wait ends at its instant",
          "[scheduler][clock][root]") {
  boost::asio::io_context io;
  scheduler::WallTimer timer(io);
  Fired fired;
  auto start = std::chrono::steady_clock::now();
  timer.async_wait_until(scheduler::system_now() + seconds{2}, [&](bool r) {
    ++fired.count, fired.reached = r, fired.after = std::chrono::steady_clock::now() - start;
  });
  // A hypervisor's time sync steps some machines' clocks several times a second.
  for (int i = 0; i < 5; ++i) {
    io.run_for(milliseconds{100});
    REQUIRE(set_clock_to_itself() == 0);
  }
  io.run_for(milliseconds{3000});
  CHECK(fired.count == 1);
  CHECK(fired.reached);
  CHECK(fired.after >= milliseconds{990});
}

TEST_CASE("a step of the clock at the threshold is reported at once", "[scheduler][clock][root]") {
  boost::asio::io_context io;
  // A threshold of zero: the step of nothing that the test can make is one to report.
  scheduler::WallTimer timer(io, std::chrono::nanoseconds{0});
  Fired fired;
  auto start = std::chrono::steady_clock::now();
  timer.async_wait_until(scheduler::system_now() + seconds{3600}, [&](bool r) {
    ++fired.count, fired.reached = r, fired.after = std::chrono::steady_clock::now() - start;
  });
  io.run_for(milliseconds{100});
  REQUIRE(set_clock_to_itself() == 0);
  io.run_for(milliseconds{1000});
  CHECK(fired.count == 1);
  CHECK_FALSE(fired.reached);
  CHECK(fired.after < milliseconds{1000});
}

int main(int argc, char* argv[]) {
  if (int error = set_clock_to_itself()) {
    std::fprintf(stderr, "skipped: cannot set the wall clock (%s); these tests need CAP_SYS_TIME\n",
                 std::strerror(error));
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
