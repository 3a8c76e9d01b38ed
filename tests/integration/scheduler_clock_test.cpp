// In-process tests of the scheduler with its real journal and a real Maildir, on a manual
// wall clock that the test moves forward and back: time passes only when the test runs the
// event loop for a while (Rig::run_for, which wakes the timer at each of its instants on the
// way and runs io.poll() until nothing is ready), and the Maildir is written on the event
// loop's thread, so nothing waits in real time and no step depends on a thread's speed.
//
// What this proves: the scheduler's reaction to a wall-clock step (the event that the real
// WallTimer reports through TFD_TIMER_CANCEL_ON_SET, and that a suspend/resume produces as a
// forward jump) neither loses nor duplicates reminders: after a forward step everything that
// fell inside the skipped interval is sent once, and the next reminder is re-armed against the
// new time; after a backward step nothing already sent goes out again, even across a reload.
// What it does not prove: that the kernel delivers the step notification; that needs root to
// set the system clock, and clock_set_test.cpp proves it where it runs as root.
#include <algorithm>
#include <catch2/catch.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <tuple>

#include "app/runtime.hpp"
#include "config/loader.hpp"
#include "delivery/channel.hpp"
#include "delivery/channels.hpp"
#include "journal/journal.hpp"
#include "scheduler/scheduler.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using std::chrono::seconds;

namespace {

/// The manual wall clock: `base` (the real time when the test began, in whole seconds)
/// plus an offset that only the test moves, in milliseconds; the scheduler reads whole
/// seconds.
struct SimulatedClock {
  const config::SysSeconds base = scheduler::system_now();
  std::chrono::milliseconds offset{0};
  config::SysSeconds now() const { return date::floor<seconds>(base + offset); }
};

/// A timer on the manual clock: a wait fires (posted) once the clock has reached its
/// instant; `step()` reports a clock change the way WallTimer reports
/// TFD_TIMER_CANCEL_ON_SET.
class SimulatedTimer final : public scheduler::Timer {
 public:
  SimulatedTimer(boost::asio::io_context& io, const SimulatedClock& clock)
      : io_(io), clock_(clock) {}

  void async_wait_until(date::sys_seconds at, Handler handler) override {
    cancel();
    handler_ = std::move(handler);
    at_ = at;
    fire_if_due();  // an instant in the past fires at once
  }
  void cancel() override {
    ++generation_;
    handler_ = nullptr;
  }
  void step() {
    ++generation_;
    fire(false);
  }
  /// Posts the wait's handler if the clock has reached its instant.
  void fire_if_due() {
    if (!handler_ || at_ > clock_.now()) return;
    boost::asio::post(io_, [this, generation = generation_] {
      if (generation == generation_) fire(true);
    });
  }
  /// The instant waited for, if a wait is armed.
  std::optional<config::SysSeconds> armed() const {
    return handler_ ? std::optional(at_) : std::nullopt;
  }

 private:
  void fire(bool reached) {
    auto handler = std::move(handler_);
    handler_ = nullptr;
    if (handler) handler(reached);
  }
  boost::asio::io_context& io_;
  const SimulatedClock& clock_;
  Handler handler_;
  date::sys_seconds at_{};
  std::uint64_t generation_ = 0;
};

/// The Maildir channel, sending on the thread that hands it a message (the event loop's):
/// no worker thread, so that the test steps through every send.
class InlineMaildir final : public delivery::Channel {
 public:
  explicit InlineMaildir(std::filesystem::path dir) : maildir_(std::move(dir)) {}
  delivery::Outcome send(const delivery::Envelope& envelope) override {
    return maildir_.send(envelope);
  }
  bool asynchronous() const override { return true; }

 private:
  delivery::MaildirChannel maildir_;
};

std::map<std::string, int> messages_by_stage(const std::filesystem::path& maildir_new) {
  std::map<std::string, int> count;
  if (!std::filesystem::exists(maildir_new)) return count;
  for (const auto& entry : std::filesystem::directory_iterator(maildir_new)) {
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("X-Deadlined-Key: ", 0) == 0) {
        // plan.task.occurrence.STAGE.unit
        std::string key = line.substr(17);
        auto end = key.rfind('.');
        auto begin = key.rfind('.', end - 1);
        ++count[key.substr(begin + 1, end - begin - 1)];
      }
    }
  }
  return count;
}

/// How many messages the Maildir holds per reminder key.
std::map<std::string, int> messages_by_key(const std::filesystem::path& maildir_new) {
  std::map<std::string, int> count;
  if (!std::filesystem::exists(maildir_new)) return count;
  for (const auto& entry : std::filesystem::directory_iterator(maildir_new)) {
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("X-Deadlined-Key: ", 0) == 0) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        ++count[line.substr(17)];
      }
    }
  }
  return count;
}

/// A main.toml on UTC where every day is a working day and there are no holidays, with
/// email to a Maildir: `service` adds lines to [service]; `units` holds the [units.*] tables.
std::string every_day_main(const std::string& service, const std::string& units) {
  return "[service]\nplans = [\"plans/*.toml\"]\ntimezone = \"UTC\"\nholiday_rules = \"none\"\n"
         "workdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n" +
         service + "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n" +
         units;
}

constexpr const char* k_unit_a = "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n";

/// What every test here runs on: the config of `main`, its channel (the Maildir, on the
/// event loop), the journal in its state folder, and the scheduler on the manual `clock`,
/// recording outcomes as soon as they come.
struct Rig {
  Rig(const std::filesystem::path& main, SimulatedClock& clock)
      : config(test::load_or_fail(main)),
        channels(channels_of(*config)),
        journal(config->service.state_dir / "journal.sqlite"),
        scheduler(
            io, runtime.workers(), journal, [&clock] { return clock.now(); }, make_timer(clock),
            std::chrono::milliseconds{0}),
        maildir(config->service.state_dir / "outbox" / "new"),
        clock_(clock) {}

  /// Every thread ends before the scheduler (none sends here: the channel is inline).
  ~Rig() { runtime.shutdown(); }

  static std::shared_ptr<delivery::ChannelSet> channels_of(const config::Config& c) {
    delivery::ChannelSet::Channels set;
    set["email"] = std::make_unique<InlineMaildir>(c.email.maildir);
    return std::make_shared<delivery::ChannelSet>(std::move(set));
  }

  /// Runs every handler that is ready, until none is.
  void drain() {
    io.restart();
    while (io.poll() > 0) {
    }
  }

  /// Lets `d` pass on the manual clock: the timer fires at each instant it waits for on the
  /// way, and whatever that makes ready runs, until nothing is.
  void run_for(std::chrono::milliseconds d) {
    const auto end = clock_.offset + d;
    for (int wakeups = 0; wakeups < 100000; ++wakeups) {
      simulated->fire_if_due();
      drain();
      auto next = simulated->armed();
      if (next && *next <= clock_.now()) continue;  // re-armed for a time that has come
      if (clock_.offset >= end) return;
      auto to_next =
          next ? std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.base) : end;
      clock_.offset = std::clamp(to_next, clock_.offset, end);
    }
    FAIL("the scheduler keeps waking at the same instant");
  }

  /// Moves the clock to `at` and posts the timer's handler if its instant has come, without
  /// running it: the test runs it with io.run_one().
  void reach(config::SysSeconds at) {
    clock_.offset = std::chrono::duration_cast<std::chrono::milliseconds>(at - clock_.base);
    io.restart();
    simulated->fire_if_due();
  }

  std::unique_ptr<SimulatedTimer> make_timer(SimulatedClock& clock) {
    auto timer = std::make_unique<SimulatedTimer>(io, clock);
    simulated = timer.get();
    return timer;
  }

  /// References to the parts, for a structured binding.
  auto parts() { return std::tie(config, channels, journal, io, *simulated, scheduler, maildir); }

  app::Runtime runtime;
  boost::asio::io_context& io = runtime.io();
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<delivery::ChannelSet> channels;
  journal::Journal journal;
  SimulatedTimer* simulated = nullptr;
  scheduler::Scheduler scheduler;
  std::filesystem::path maildir;  ///< the Maildir channel's new/

 private:
  SimulatedClock& clock_;
};

}  // namespace

TEST_CASE("wall-clock steps forward and back neither lose nor duplicate reminders",
          "[scheduler][clock]") {
  test::TempDir dir;
  SimulatedClock clock;
  const config::SysSeconds t0 = clock.now();
  const config::SysSeconds due = t0 + std::chrono::hours{2};
  auto lead = [&](seconds after_start) {  // the lead of a stage at t0 + after_start
    return "\"" + std::to_string((due - (t0 + after_start)).count()) + "s\"";
  };
  // Stages at t0+1s, t0+6s, t0+30min, t0+1h+6s and t0+1h+40min.
  dir.write(
      "plans/p.toml",
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\n"
      "responsible = [\"a\"]\n"
      "due = " +
          date::format("%FT%TZ", due) + "\n" + "leads = [" + lead(seconds{1}) + ", " +
          lead(seconds{6}) + ", " + lead(seconds{1800}) + ", " + lead(seconds{3606}) + ", " +
          lead(seconds{6000}) + "]\n");
  auto main =
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\n\n[email]\ntransport = \"maildir\"\n"
                "from = \"Văn phòng <vp@example.org>\"\n\n"
                "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n");
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  auto stage = [&](seconds after_start) {
    return lead(after_start).substr(1, lead(after_start).size() - 2);
  };

  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{2500});
  CHECK(messages_by_stage(maildir) == std::map<std::string, int>{{stage(seconds{1}), 1}});

  // Forward one hour (an NTP step or a resume from suspend): the stages inside the skipped
  // hour go out at once, each once; the one 1 s ahead of the new time fires on time.
  clock.offset += std::chrono::hours{1};
  simulated.step();
  rig.run_for(std::chrono::milliseconds{500});
  CHECK(messages_by_stage(maildir) == std::map<std::string, int>{{stage(seconds{1}), 1},
                                                                 {stage(seconds{6}), 1},
                                                                 {stage(seconds{1800}), 1}});
  CHECK(messages_by_stage(maildir)[stage(seconds{3606})] == 0);
  rig.run_for(std::chrono::milliseconds{4500});
  CHECK(messages_by_stage(maildir)[stage(seconds{3606})] == 1);

  // Back one hour: nothing already sent goes out again, not even after a reload at the old
  // time.
  clock.offset -= std::chrono::hours{1};
  simulated.step();
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{8000});
  CHECK(messages_by_stage(maildir) == std::map<std::string, int>{{stage(seconds{1}), 1},
                                                                 {stage(seconds{6}), 1},
                                                                 {stage(seconds{1800}), 1},
                                                                 {stage(seconds{3606}), 1}});
  // The 30-minute stage comes round again by the new clock; when it does, the journal
  // stops it.
  REQUIRE(scheduler.next_event());
  CHECK(*scheduler.next_event() == t0 + seconds{1800});
  clock.offset += std::chrono::minutes{30};
  simulated.step();
  rig.run_for(std::chrono::milliseconds{500});
  CHECK(messages_by_stage(maildir)[stage(seconds{1800})] == 1);
  REQUIRE(scheduler.next_event());
  CHECK(*scheduler.next_event() == t0 + seconds{3606});
  CHECK(journal.count(journal::State::delivered) == 4);

  scheduler.stop([&] { io.stop(); });
  rig.run_for(std::chrono::milliseconds{1000});
}

TEST_CASE("the real wall timer fires at its instant, at once for the past, never after cancel",
          "[scheduler][clock]") {
  boost::asio::io_context io;
  scheduler::WallTimer timer(io);
  int fired = 0;
  bool reached = false;
  auto start = std::chrono::steady_clock::now();
  // system_now() is in whole seconds: + 2 s is between 1 and 2 s away (+ 1 s could be a
  // millisecond away, too close to tell a wait from none).
  timer.async_wait_until(scheduler::system_now() + seconds{2},
                         [&](bool r) { ++fired, reached = r; });
  io.run_for(std::chrono::milliseconds{3500});
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(fired == 1);
  CHECK(reached);
  CHECK(waited >= std::chrono::milliseconds{990});

  io.restart();
  timer.async_wait_until(scheduler::system_now() - seconds{60}, [&](bool) { ++fired; });
  io.run_for(std::chrono::milliseconds{200});
  CHECK(fired == 2);

  io.restart();
  timer.async_wait_until(scheduler::system_now() + seconds{1}, [&](bool) { ++fired; });
  timer.cancel();
  io.run_for(std::chrono::milliseconds{1500});
  CHECK(fired == 2);
}

TEST_CASE("a recurring task's occurrences are computed one at a time, each sent once",
          "[scheduler][clock][recurrence]") {
  test::TempDir dir;
  SimulatedClock clock;
  // Simulated time starts 2 s before 08:00 UTC on a day D: D's reminder is 2 s away.
  const date::sys_days day_d = date::floor<date::days>(clock.now()) + date::days{3};
  clock.offset = (day_d + std::chrono::hours{8} - seconds{2}) - clock.base;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo ngày\"\nresponsible = [\"a\"]\nrecur = \"every 1 day\"\n"
            "from = " +
                date::format("%F", day_d - date::days{30}) +
                "\ndue = \"0 days after end\"\nleads = [\"0d\"]\n");
  auto main = dir.write("main.toml", every_day_main("", k_unit_a));
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  auto key_of = [&](date::sys_days day) { return "p.t." + date::format("%Y%m%d", day) + ".0d.a"; };

  scheduler.load(config, channels);
  // Thirty days of history hold nothing: only D's occurrence is queued, pending; its reminder
  // is computed when its first stage comes.
  CHECK(scheduler.queued() == 1);
  rig.run_for(std::chrono::milliseconds{3000});
  CHECK(messages_by_key(maildir) == std::map<std::string, int>{{key_of(day_d), 1}});

  // Each day forward sends that day's reminder once; each occurrence is computed when its
  // first stage comes, and the queue holds only the next one.
  for (int i = 1; i <= 3; ++i) {
    clock.offset += std::chrono::hours{24};
    simulated.step();
    rig.run_for(std::chrono::milliseconds{1500});
    CHECK(scheduler.queued() == 1);
  }
  CHECK(messages_by_key(maildir) == std::map<std::string, int>{{key_of(day_d), 1},
                                                               {key_of(day_d + date::days{1}), 1},
                                                               {key_of(day_d + date::days{2}), 1},
                                                               {key_of(day_d + date::days{3}), 1}});
  // A reload recomputes the same occurrences; nothing goes out twice.
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{1500});
  CHECK(messages_by_key(maildir).size() == 4);
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}

namespace {

/// A plan of `count` one-off tasks t0, t1, ... for unit a, all due at `due`.
std::string burst_plan(int count, config::SysSeconds due) {
  std::string plan = "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n";
  for (int i = 0; i < count; ++i) {
    plan += "\n[[task]]\nid = \"t" + std::to_string(i) +
            "\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\ndue = " + date::format("%FT%TZ", due) +
            "\n";
  }
  return plan;
}

}  // namespace

TEST_CASE("a burst is prepared before its instant and starts sending at it",
          "[scheduler][clock][burst]") {
  test::TempDir dir;
  SimulatedClock clock;
  // 600 deadlines at the same instant, 3 s away: each is one pending entry until 2 s before
  // it, when its reminder is computed and its delivery prepared; at the instant the
  // scheduler takes the due sends 512 at a time.
  constexpr int k_tasks = 600;
  const config::SysSeconds due = clock.now() + seconds{3};
  dir.write("plans/p.toml", burst_plan(k_tasks, due));
  // One unit's deadlines: unbundled, so that each is a message of its own (the burst's
  // chunks, not [service] bundle, are tested here).
  auto main =
      dir.write("main.toml", every_day_main("leads = [\"0s\"]\nbundle = false\n", k_unit_a));
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  scheduler.load(config, channels);
  REQUIRE(scheduler.queued() == k_tasks);
  CHECK(scheduler.prepared() == 0);
  REQUIRE(scheduler.next_event());
  CHECK(*scheduler.next_event() == due);

  // Half a second before the instant everything is prepared, and nothing is attempted yet.
  while (clock.now() < due - seconds{1})
    rig.run_for(std::chrono::milliseconds{50});
  rig.run_for(std::chrono::milliseconds{500});
  REQUIRE(clock.now() < due);
  CHECK(scheduler.prepared() == k_tasks);
  CHECK(scheduler.queued() == k_tasks);
  CHECK(*scheduler.next_event() == due);
  CHECK(journal.count(journal::State::pending) == 0);
  CHECK(messages_by_key(maildir).empty());

  // The instant's timer: its first chunk records (and hands on) 512 attempts, no more.
  rig.reach(due);
  io.run_one();
  CHECK(journal.count(journal::State::pending) == 512);
  CHECK(scheduler.prepared() == k_tasks - 512);

  // Everything goes out once (each message is written and synced to the Maildir: allow
  // a slow machine up to a minute). The queue empties before the last outcomes come back
  // from the workers: the guard keeps the io_context waiting for them.
  auto guard = boost::asio::make_work_guard(io);
  auto sent = messages_by_key(maildir);
  for (int i = 0; i < 120 && sent.size() < k_tasks; ++i) {
    rig.run_for(std::chrono::milliseconds{500});
    sent = messages_by_key(maildir);
  }
  rig.run_for(std::chrono::milliseconds{500});  // anything sent twice would come now
  sent = messages_by_key(maildir);
  guard.reset();
  CHECK(sent.size() == k_tasks);
  CHECK(std::all_of(sent.begin(), sent.end(), [](const auto& kv) { return kv.second == 1; }));
  CHECK(scheduler.prepared() == 0);
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}

TEST_CASE("a reload between a burst's preparation and its instant replaces what was prepared",
          "[scheduler][clock][burst][reload]") {
  test::TempDir dir;
  SimulatedClock clock;
  const config::SysSeconds due = clock.now() + seconds{3};
  dir.write("plans/p.toml", burst_plan(10, due));
  // One unit's deadlines: unbundled, so that each is a message of its own (the burst's
  // chunks, not [service] bundle, are tested here).
  auto main =
      dir.write("main.toml", every_day_main("leads = [\"0s\"]\nbundle = false\n", k_unit_a));
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  scheduler.load(config, channels);
  while (clock.now() < due - seconds{1})
    rig.run_for(std::chrono::milliseconds{50});
  REQUIRE(scheduler.prepared() == 10);

  // Before the instant, the plan drops all but four of its tasks.
  dir.write("plans/p.toml", burst_plan(4, due));
  auto reloaded = test::load_or_fail(main);
  scheduler.load(reloaded, rig.channels_of(*reloaded));
  // The new deadlines are prepared at once: the time to prepare them has come.
  for (int i = 0; i < 20 && scheduler.prepared() != 4; ++i)
    rig.run_for(std::chrono::milliseconds{25});
  REQUIRE(clock.now() < due);
  CHECK(scheduler.prepared() == 4);

  auto guard = boost::asio::make_work_guard(io);
  while (clock.now() < due + seconds{1})
    rig.run_for(std::chrono::milliseconds{100});
  for (int i = 0; i < 20 && messages_by_key(maildir).size() < 4; ++i)
    rig.run_for(std::chrono::milliseconds{250});
  rig.run_for(std::chrono::milliseconds{500});
  guard.reset();
  std::map<std::string, int> expected;
  for (int i = 0; i < 4; ++i)
    expected["p.t" + std::to_string(i) + "." +
             date::format("%Y%m%d", date::floor<date::days>(due)) + ".0s.a"] = 1;
  CHECK(messages_by_key(maildir) == expected);
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}

TEST_CASE("overdue notices and escalations go out on their working days until the unit confirms",
          "[scheduler][clock][chase]") {
  test::TempDir dir;
  SimulatedClock clock;
  // Day D starts 3 days from now; the simulated clock starts 2 s before D's 17:00 deadline.
  const date::sys_days day_d = date::floor<date::days>(clock.now()) + date::days{3};
  auto set_clock = [&](date::sys_seconds at) { clock.offset = at - clock.base; };
  set_clock(day_d + std::chrono::hours{17} - seconds{2});
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo\"\nresponsible = [\"a\", \"b\"]\nleads = [\"0d\"]\ndue = " +
                date::format("%F", day_d) +
                "\noverdue_every = \"1wd\"\nescalate_after = \"2wd\"\n"
                "escalate_to = [\"ld\"]\n");
  auto main = dir.write(
      "main.toml",
      every_day_main("overdue = true\n",
                     std::string(k_unit_a) +
                         "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"
                         "[units.ld]\nname = \"Lãnh đạo\"\nemail = [\"ld@example.org\"]\n"));
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  const std::string occurrence = date::format("%Y%m%d", day_d);
  auto key = [&](const std::string& stage, const std::string& unit) {
    return "p.t." + occurrence + "." + stage + "." + unit;
  };

  // The due morning's reminders are caught up at once (late, within office hours), then the
  // deadline passes: no notice that evening.
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{3000});
  CHECK(messages_by_key(maildir) ==
        std::map<std::string, int>{{key("0d", "a"), 1}, {key("0d", "b"), 1}});

  // Unit a confirms; the next working morning only b is chased.
  journal.record({{"p", "t", occurrence, "a"}, true, clock.now(), "link", "192.0.2.1", ""});
  set_clock(day_d + date::days{1} + std::chrono::hours{8} - seconds{1});
  simulated.step();
  rig.run_for(std::chrono::milliseconds{2500});
  CHECK(messages_by_key(maildir) == std::map<std::string, int>{{key("0d", "a"), 1},
                                                               {key("0d", "b"), 1},
                                                               {key("overdue-1", "b"), 1}});

  // Two working days late: b's notice, and the escalation about b (not a) to the leadership.
  set_clock(day_d + date::days{2} + std::chrono::hours{8} - seconds{1});
  simulated.step();
  rig.run_for(std::chrono::milliseconds{2500});
  auto all = messages_by_key(maildir);
  CHECK(all.count(key("overdue-2", "b")) == 1);
  CHECK(all.count(key("escalate-ld", "b")) == 1);
  CHECK(all.count(key("escalate-ld", "a")) == 0);
  CHECK(all.count(key("overdue-1", "a")) == 0);
  CHECK(all.count(key("overdue-2", "a")) == 0);
  CHECK(all.size() == 5);
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}

TEST_CASE("a start at night or on a day off sends its catch-up and digest the next working morning",
          "[scheduler][clock][office-hours]") {
  test::TempDir dir;
  SimulatedClock clock;
  // Day D, 3 days from now, is the only day off of the week (UTC, no holidays); the clock
  // starts at 20:00 the day before D.
  const date::sys_days day_d = date::floor<date::days>(clock.now()) + date::days{3};
  auto set_clock = [&](date::sys_seconds at) { clock.offset = at - clock.base; };
  set_clock(day_d - date::days{1} + std::chrono::hours{20});
  static const char* k_days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  const unsigned off = date::weekday{day_d}.c_encoding();
  std::string workdays;
  for (unsigned i = 0; i < 7; ++i) {
    if (i == off) continue;
    workdays += std::string(workdays.empty() ? "" : ", ") + "\"" + k_days[i] + "\"";
  }
  // Due at 17:00 two days after D; its 2wd stage was at 08:00 the day before D.
  const date::sys_days due = day_d + date::days{2};
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo\"\nresponsible = [\"a\"]\nleads = [\"2wd\"]\ndue = " +
                date::format("%F", due) + "\n");
  auto main = dir.write(
      "main.toml",
      "[service]\nplans = [\"plans/*.toml\"]\ntimezone = \"UTC\"\nholiday_rules = \"none\"\n"
      "workdays = [" +
          workdays +
          "]\nmonitor = \"vp\"\ndigest = true\n\n[email]\n"
          "transport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n"
          "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n" +
          k_unit_a);
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  const std::string missed = "p.t." + date::format("%Y%m%d", due) + ".2wd.a";
  const std::string digest_after = "digest." + date::format("%Y%m%d", day_d + date::days{1});

  // 20:00: nothing goes, that evening or through the day off.
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{1000});
  CHECK(messages_by_key(maildir).empty());
  set_clock(day_d + std::chrono::hours{10});
  simulated.step();
  rig.run_for(std::chrono::milliseconds{1000});
  CHECK(messages_by_key(maildir).empty());
  // A reload on the day off defers it again, and sends nothing twice.
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{1000});
  CHECK(messages_by_key(maildir).empty());

  // The next working morning at 08:00: the missed stage once (to a, and the Office's copy),
  // and the Office's digest of that morning.
  set_clock(day_d + date::days{1} + std::chrono::hours{8} - seconds{1});
  simulated.step();
  rig.run_for(std::chrono::milliseconds{2500});
  CHECK(messages_by_key(maildir) == std::map<std::string, int>{{missed, 1}, {digest_after, 1}});
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}

TEST_CASE("the Office's digest goes out on working mornings while a unit has not confirmed",
          "[scheduler][clock][digest]") {
  test::TempDir dir;
  SimulatedClock clock;
  const date::sys_days day_d = date::floor<date::days>(clock.now()) + date::days{3};
  auto set_clock = [&](date::sys_seconds at) { clock.offset = at - clock.base; };
  set_clock(day_d + std::chrono::hours{7} + std::chrono::minutes{30} - seconds{2});
  // Due the day after D; reminding began two days before D.
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo\"\nresponsible = [\"a\", \"b\"]\nleads = [\"3d\"]\ndue = " +
                date::format("%F", day_d + date::days{1}) + "\n");
  auto main =
      dir.write("main.toml",
                every_day_main("monitor = \"vp\"\ndigest = true\ndigest_time = \"07:30\"\n",
                               "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n" +
                                   std::string(k_unit_a) +
                                   "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"));
  Rig rig(main, clock);
  auto [config, channels, journal, io, simulated, scheduler, maildir] = rig.parts();
  const std::string occurrence = date::format("%Y%m%d", day_d + date::days{1});
  auto digest_of = [&](date::sys_days day) { return "digest." + date::format("%Y%m%d", day); };

  // a confirmed before the morning; the digest counts b as still to do.
  journal.record({{"p", "t", occurrence, "a"}, true, clock.now(), "cli:test", "cli", ""});
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{3000});
  auto all = messages_by_key(maildir);
  CHECK(all.count(digest_of(day_d)) == 1);
  std::string text;
  for (const auto& entry : std::filesystem::directory_iterator(maildir)) {
    std::ifstream in(entry.path());
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (raw.find("X-Deadlined-Key: " + digest_of(day_d)) != std::string::npos) text = raw;
  }
  CHECK(text.find("To: vp@example.org") != std::string::npos);
  CHECK(text.find("X-Deadlined-Report: digest") != std::string::npos);

  // A restart the same morning does not send it twice.
  scheduler.load(config, channels);
  rig.run_for(std::chrono::milliseconds{1500});
  CHECK(messages_by_key(maildir).count(digest_of(day_d)) == 1);

  // b confirms too: the next morning there is nothing to report, so no digest.
  journal.record({{"p", "t", occurrence, "b"}, true, clock.now(), "link", "192.0.2.1", ""});
  set_clock(day_d + date::days{1} + std::chrono::hours{7} + std::chrono::minutes{30} - seconds{1});
  simulated.step();
  rig.run_for(std::chrono::milliseconds{2500});
  CHECK(messages_by_key(maildir).count(digest_of(day_d + date::days{1})) == 0);
  scheduler.stop([] {});
  rig.run_for(std::chrono::milliseconds{200});
}
