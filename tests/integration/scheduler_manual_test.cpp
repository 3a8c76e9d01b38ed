// The scheduler's decisions wired together, on a manual clock: the event loop is driven by
// io.poll() and time moves only when the test says so. Channels are recording or failing
// channels injected through ChannelSet; the journal is the real SQLite one. No sockets,
// no threads, no real-time waits.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "config/loader.hpp"
#include "delivery/channel.hpp"
#include "delivery/channels.hpp"
#include "ids/ids.hpp"
#include "journal/journal.hpp"
#include "scheduler/scheduler.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

/// Monday 07/01/2030, 07:00 UTC.
const config::SysSeconds k_start = date::sys_days{date::year{2030} / 1 / 7} + hours{7};

/// A timer on the manual clock: a wait whose instant has come fires (posted) when the
/// clock reaches it.
class ManualTimer final : public scheduler::Timer {
 public:
  ManualTimer(boost::asio::io_context& io, const config::SysSeconds& now) : io_(io), now_(now) {}
  void async_wait_until(date::sys_seconds at, Handler handler) override {
    at_ = at;
    handler_ = std::move(handler);
    fire_if_due();
  }
  void cancel() override { handler_ = nullptr; }
  void fire_if_due() {
    if (!handler_ || at_ > now_) return;
    boost::asio::post(io_, [handler = std::move(handler_)] { handler(true); });
    handler_ = nullptr;
  }
  std::optional<config::SysSeconds> armed() const {
    return handler_ ? std::optional(at_) : std::nullopt;
  }

 private:
  boost::asio::io_context& io_;
  const config::SysSeconds& now_;
  date::sys_seconds at_{};
  Handler handler_;
};

/// An email channel (one delivery per address, as SMTP) that records what it is given and
/// answers each address with the next of its `answers`, then with the last one for good
/// (by default, and to an address without answers: delivered).
class RecordingChannel final : public delivery::Channel {
 public:
  explicit RecordingChannel(bool per_recipient = true) : per_recipient_(per_recipient) {}
  std::vector<delivery::Envelope> sent;
  std::map<std::string, std::deque<delivery::Outcome>> answers;
  /// When set, answers first: by the message (its id), say.
  std::function<std::optional<delivery::Outcome>(const delivery::Envelope&)> answer_by;

  delivery::Outcome send(const delivery::Envelope& envelope) override {
    sent.push_back(envelope);
    if (answer_by) {
      if (auto answer = answer_by(envelope)) return *answer;
    }
    auto& queue = answers[envelope.recipients.front()];
    if (queue.empty()) return delivery::Outcome::delivered("250 OK");
    delivery::Outcome answer = queue.front();
    if (queue.size() > 1) queue.pop_front();
    return answer;
  }
  // Runs on the caller's thread (the event loop), so that no thread is involved.
  bool asynchronous() const override { return true; }
  bool per_recipient() const override { return per_recipient_; }

  std::size_t sent_of(const std::string& id) const {
    return static_cast<std::size_t>(
        std::count_if(sent.begin(), sent.end(), [&](const auto& e) { return e.id == id; }));
  }
  std::size_t sent_to(const std::string& address) const {
    return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [&](const auto& e) {
      return e.recipients == std::vector<std::string>{address};
    }));
  }

 private:
  bool per_recipient_;
};

/// The config, the journal, an injected channel and the scheduler on the manual clock.
struct ManualRig {
  /// `units` replaces the units vp, a and b (and may add [webhooks.hook]: its channel
  /// is `hook`, recording, one delivery per message).
  explicit ManualRig(const std::string& plan, const std::string& service = "",
                     const std::string& units = test::k_units_vp_a_b) {
    dir.write("plans/p.toml", plan);
    config = test::load_or_fail(dir.write("main.toml", main_text(service, units)));
    journal = std::make_unique<journal::Journal>(config->service.state_dir / "journal.sqlite");
    auto timer_ptr = std::make_unique<ManualTimer>(io, now);
    timer = timer_ptr.get();
    scheduler = std::make_unique<scheduler::Scheduler>(
        io, workers, *journal, [this] { return now; }, std::move(timer_ptr),
        std::chrono::milliseconds{0});
    delivery::ChannelSet::Channels channels;
    auto channel = std::make_unique<RecordingChannel>();
    email = channel.get();
    channels["email"] = std::move(channel);
    auto webhook = std::make_unique<RecordingChannel>(false);
    hook = webhook.get();
    channels["webhook:hook"] = std::move(webhook);
    // Held here too: the jobs hold the set only while they are queued or in flight.
    channel_set = std::make_shared<delivery::ChannelSet>(std::move(channels));
    scheduler->load(config, channel_set);
    drain();
  }
  ~ManualRig() {
    scheduler->stop([] {});
    drain();
    workers.join();
  }

  static std::string main_text(const std::string& service, const std::string& units) {
    return "[service]\nplans = [\"plans/*.toml\"]\ntimezone = \"UTC\"\nholiday_rules = "
           "\"none\"\nworkdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nmonitor = "
           "\"vp\"\n" +
           service +
           "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n" + units;
  }
  /// Reloads with `units` in place of the first configuration's (the channels stay).
  void reload(const std::string& service, const std::string& units) {
    config = test::load_or_fail(dir.write("main.toml", main_text(service, units)));
    scheduler->load(config, channel_set);
    drain();
  }
  /// Stops the scheduler and starts a new one on the same journal, as a restart does.
  void restart() {
    scheduler->stop([] {});
    drain();
    auto timer_ptr = std::make_unique<ManualTimer>(io, now);
    timer = timer_ptr.get();
    scheduler = std::make_unique<scheduler::Scheduler>(
        io, workers, *journal, [this] { return now; }, std::move(timer_ptr),
        std::chrono::milliseconds{0});
    scheduler->load(config, channel_set);
    drain();
  }
  /// Runs every handler that is ready, until none is.
  void drain() {
    io.restart();
    while (io.poll() > 0) {
    }
  }
  /// Moves the clock to `t` and runs what falls due.
  void advance_to(config::SysSeconds t) {
    now = t;
    timer->fire_if_due();
    drain();
  }
  /// Moves the clock on, waking at every armed instant on the way.
  void run_until(config::SysSeconds t) {
    while (auto at = timer->armed()) {
      if (*at > t) break;
      advance_to(std::max(*at, now));
    }
    advance_to(t);
  }
  std::optional<journal::State> state(const std::string& key) { return journal->state_of(key); }

  test::TempDir dir;
  config::SysSeconds now = k_start;
  boost::asio::io_context io;
  boost::asio::thread_pool workers{1};  // unused: the injected channel is asynchronous
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<journal::Journal> journal;
  ManualTimer* timer = nullptr;
  RecordingChannel* email = nullptr;
  RecordingChannel* hook = nullptr;
  std::shared_ptr<delivery::ChannelSet> channel_set;
  std::unique_ptr<scheduler::Scheduler> scheduler;
};

// Due Friday 11/01/2030 at 17:00 UTC; one reminder Thursday 10/01 at 08:00 ("1d").
const std::string k_plan =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\n"
    "due = 2030-01-11\nleads = [\"1d\"]\n";
const config::SysSeconds k_reminder_at = date::sys_days{date::year{2030} / 1 / 10} + hours{8};
const std::string k_key_a = "p.t.20300111.1d.a/email:a@example.org";

}  // namespace

TEST_CASE("a retryable failure is retried with backoff, then delivered", "[scheduler][manual]") {
  ManualRig rig(k_plan);
  rig.email->answers["a@example.org"] = {delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::delivered("250 OK")};
  rig.run_until(k_reminder_at);
  CHECK(rig.email->sent_to("a@example.org") == 1);
  CHECK(rig.journal->attempts(k_key_a) == 1);
  CHECK(rig.state(k_key_a) == journal::State::pending);
  // The first retry comes 30-36 s later (retry_initial plus up to a fifth), not before.
  rig.advance_to(k_reminder_at + seconds{29});
  CHECK(rig.email->sent_to("a@example.org") == 1);
  rig.advance_to(k_reminder_at + seconds{36});
  CHECK(rig.email->sent_to("a@example.org") == 2);
  // The second doubles: 60-72 s after the first retry.
  rig.run_until(k_reminder_at + seconds{36 + 72});
  CHECK(rig.email->sent_to("a@example.org") == 3);
  CHECK(rig.state(k_key_a) == journal::State::delivered);
  CHECK(rig.journal->attempts(k_key_a) == 3);
  const auto& stats = rig.scheduler->stats().at("email");
  CHECK(stats.retries == 2);
  CHECK(stats.delivered == 2);  // a's, on the third attempt, and the Office's copy
  CHECK(rig.email->sent_to("vp@example.org") == 1);
  CHECK(stats.failed == 0);
  // The same id on every attempt: receivers can drop duplicates.
  for (const auto& e : rig.email->sent)
    CHECK(e.id == "p.t.20300111.1d.a");
  CHECK(rig.email->sent.back().content.find("Message-ID: <p.t.20300111.1d.a@") !=
        std::string::npos);
}

TEST_CASE("a delivery still failing at its give-up time fails for good and is reported once",
          "[scheduler][manual]") {
  ManualRig rig(k_plan, "give_up_after = \"10m\"\nretry_max = \"2m\"\n");
  rig.email->answers["a@example.org"] = {delivery::Outcome::retryable("421 busy")};
  rig.email->answers["vp@example.org"] = {delivery::Outcome::retryable("421 busy")};
  // Every address fails; the report to the Office is then retried too. Up to the deadline
  // plus give_up_after (Friday 17:10), a's delivery keeps being retried.
  rig.run_until(date::sys_days{date::year{2030} / 1 / 11} + hours{17} + minutes{9});
  CHECK(rig.state(k_key_a) == journal::State::pending);
  CHECK(rig.scheduler->stats().at("email").failed == 0);
  rig.run_until(date::sys_days{date::year{2030} / 1 / 11} + hours{17} + minutes{12});
  CHECK(rig.state(k_key_a) == journal::State::failed);
  CHECK(rig.scheduler->stats().at("email").failed == 2);  // a's and the Office's copy
  // Each failing address is reported to the Office once: a report of its own, keyed by the
  // day and the address (its own attempts to vp@ are retried like any other).
  std::set<std::string> reports;
  for (const auto& e : rig.email->sent) {
    if (e.id.rfind("failure.20300111.", 0) == 0) reports.insert(e.id);
  }
  CHECK(reports.size() == 2);
  for (const std::string& id : reports)
    CHECK(rig.state(id + "/email:vp@example.org") == journal::State::pending);
}

TEST_CASE("a permanent failure is not retried and is reported to the Office",
          "[scheduler][manual]") {
  ManualRig rig(k_plan);
  rig.email->answers["a@example.org"] = {delivery::Outcome::permanent("550 no such user")};
  rig.run_until(k_reminder_at);
  CHECK(rig.state(k_key_a) == journal::State::failed);
  CHECK(rig.journal->attempts(k_key_a) == 1);
  rig.run_until(k_reminder_at + hours{1});
  CHECK(rig.email->sent_to("a@example.org") == 1);
  std::vector<std::string> report_ids;
  for (const auto& e : rig.email->sent) {
    if (e.id.rfind("failure.", 0) == 0) report_ids.push_back(e.id);
  }
  REQUIRE(report_ids.size() == 1);
  CHECK(rig.state(report_ids[0] + "/email:vp@example.org") == journal::State::delivered);
}

TEST_CASE("a unit that has confirmed is not reminded, and the others are", "[scheduler][manual]") {
  const std::string plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\", \"b\"]\n"
      "due = 2030-01-11\nleads = [\"3wd\", \"1d\"]\n";
  ManualRig rig(plan);
  rig.run_until(k_reminder_at - hours{24});  // 3wd: Tuesday... 08/01 08:00
  CHECK(rig.email->sent_to("a@example.org") == 1);
  CHECK(rig.email->sent_to("b@example.org") == 1);
  rig.journal->record({{"p", "t", "20300111", "a"}, true, rig.now, "cli:test", "cli", ""});
  rig.run_until(k_reminder_at + hours{1});
  CHECK(rig.email->sent_to("a@example.org") == 1);
  CHECK(rig.email->sent_to("b@example.org") == 2);
  CHECK_FALSE(rig.state(k_key_a));  // never attempted
}

TEST_CASE("the digest goes to the Office at digest_time on working days only",
          "[scheduler][manual]") {
  ManualRig rig(k_plan, "digest = true\ndigest_time = \"09:00\"\n");
  auto digests = [&] {
    std::vector<std::string> ids;
    for (const auto& e : rig.email->sent) {
      if (e.id.rfind("digest.", 0) == 0) ids.push_back(e.id);
    }
    return ids;
  };
  // Nothing is open before the first reminder (Thursday): no digest is needed until then.
  rig.run_until(k_reminder_at);
  CHECK(digests().empty());
  rig.run_until(k_reminder_at + hours{1});  // Thursday 09:00
  CHECK(digests() == std::vector<std::string>{"digest.20300110"});
  CHECK(rig.state("digest.20300110/email:vp@example.org") == journal::State::delivered);
  // Friday's, then none over the weekend, then Monday's: the task is overdue and not
  // confirmed, and the Office follows it through the chase window.
  rig.run_until(k_reminder_at + hours{24 + 1});
  CHECK(digests() == std::vector<std::string>{"digest.20300110", "digest.20300111"});
  rig.run_until(k_reminder_at + hours{4 * 24 + 1});
  CHECK(digests() ==
        std::vector<std::string>{"digest.20300110", "digest.20300111", "digest.20300114"});
}

namespace {

/// The Office by email, and unit a by the webhook `hook` at `url`.
std::string units_with_hook(const std::string& url) {
  return "[webhooks.hook]\nurl = \"" + url +
         "\"\n\n"
         "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n"
         "[units.a]\nname = \"Phòng A\"\nwebhooks = [\"hook\"]\n";
}

const std::string k_two_stages =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\n"
    "due = 2030-01-11\nleads = [\"3wd\", \"1d\"]\n";

std::size_t reports_sent(const RecordingChannel& email) {
  return static_cast<std::size_t>(std::count_if(email.sent.begin(), email.sent.end(), [](auto& e) {
    return e.id.rfind("failure.", 0) == 0;
  }));
}

}  // namespace

TEST_CASE("a receiver's Retry-After sets when its delivery is tried again", "[scheduler][manual]") {
  ManualRig rig(k_plan, "", units_with_hook("http://127.0.0.1:9/hook"));
  int calls = 0;
  rig.hook->answer_by = [&](const delivery::Envelope&) -> std::optional<delivery::Outcome> {
    if (++calls == 1) return delivery::classify_http_status(503, seconds{300});
    return std::nullopt;  // delivered
  };
  rig.run_until(k_reminder_at);
  CHECK(rig.hook->sent.size() == 1);
  // Our own backoff would try again after 30-36 s; the receiver asked for 300.
  rig.run_until(k_reminder_at + seconds{299});
  CHECK(rig.hook->sent.size() == 1);
  rig.run_until(k_reminder_at + seconds{300});
  CHECK(rig.hook->sent.size() == 2);
  CHECK(rig.state("p.t.20300111.1d.a/webhook:hook") == journal::State::delivered);
}

TEST_CASE("a 410 Gone disables the webhook until a reload changes it, across a restart",
          "[scheduler][manual]") {
  const std::string url = "http://127.0.0.1:9/hook";
  ManualRig rig(k_two_stages, "", units_with_hook(url));
  rig.hook->answer_by = [](const delivery::Envelope&) -> std::optional<delivery::Outcome> {
    return delivery::classify_http_status(410);
  };
  rig.run_until(k_reminder_at - hours{24});
  CHECK(rig.hook->sent_of("p.t.20300111.3wd.a") == 1);
  CHECK(rig.state("p.t.20300111.3wd.a/webhook:hook") == journal::State::failed);
  CHECK(rig.scheduler->disabled_channels().count("webhook:hook") == 1);
  REQUIRE(rig.journal->disabled_channels().size() == 1);
  CHECK(rig.journal->disabled_channels().front().channel == "webhook:hook");
  CHECK(reports_sent(*rig.email) == 1);  // the Office is told

  // The next stage is not sent to it, nor recorded; the Office is not told again.
  rig.run_until(k_reminder_at + hours{1});
  CHECK(rig.hook->sent.size() == 1);
  CHECK_FALSE(rig.state("p.t.20300111.1d.a/webhook:hook"));
  CHECK(reports_sent(*rig.email) == 1);

  // A reload that leaves the webhook as it was, and a restart, keep it disabled.
  rig.reload("", units_with_hook(url));
  rig.restart();
  rig.run_until(k_reminder_at + hours{2});
  CHECK(rig.hook->sent.size() == 1);
  CHECK(rig.scheduler->disabled_channels().count("webhook:hook") == 1);

  // A reload that changes it enables it again, and the stage it missed is caught up.
  rig.hook->answer_by = nullptr;
  rig.reload("", units_with_hook(url + "/v2"));
  CHECK(rig.scheduler->disabled_channels().empty());
  CHECK(rig.journal->disabled_channels().empty());
  CHECK(rig.hook->sent_of("p.t.20300111.1d.a") == 1);
  CHECK(rig.state("p.t.20300111.1d.a/webhook:hook") == journal::State::delivered);
}

TEST_CASE("a retry of a stage is dropped once a later stage of it has been delivered",
          "[scheduler][manual]") {
  ManualRig rig(k_two_stages, "retry_max = \"10m\"\n", units_with_hook("http://127.0.0.1:9/h"));
  // The receiver is slow with the first stage only (it times out, say), and takes the next.
  rig.hook->answer_by = [](const delivery::Envelope& e) -> std::optional<delivery::Outcome> {
    if (e.id == "p.t.20300111.3wd.a") return delivery::Outcome::retryable("timed out");
    return std::nullopt;
  };
  rig.run_until(k_reminder_at);
  CHECK(rig.state("p.t.20300111.1d.a/webhook:hook") == journal::State::delivered);
  std::size_t tries = rig.hook->sent_of("p.t.20300111.3wd.a");
  CHECK(tries > 10);  // retried every 10 minutes for a day
  rig.run_until(k_reminder_at + hours{3});
  CHECK(rig.hook->sent_of("p.t.20300111.3wd.a") == tries);
  CHECK(rig.state("p.t.20300111.3wd.a/webhook:hook") == journal::State::failed);
  CHECK(reports_sent(*rig.email) == 0);  // dropped, not a failure to report
  // The later stage itself is not affected.
  CHECK(rig.hook->sent_of("p.t.20300111.1d.a") == 1);
}

namespace {

/// `n` tasks t1..tN of unit a, each due Friday 11/01/2030 with one reminder ("1d"): all due
/// at one instant, Thursday 10/01 at 08:00.
std::string tasks_of_a(int n, const std::string& leads = "[\"1d\"]") {
  std::string plan = "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n";
  for (int i = 1; i <= n; ++i) {
    plan += "[[task]]\nid = \"t" + std::to_string(i) + "\"\ntitle = \"Báo cáo " +
            std::to_string(i) + "\"\nresponsible = [\"a\"]\ndue = 2030-01-11\nleads = " + leads +
            "\n";
  }
  return plan;
}

const std::string k_t1 = "p.t1.20300111.1d.a";
const std::string k_t2 = "p.t2.20300111.1d.a";

/// Unit a by email and by the webhook `hook`; the Office by email.
const std::string k_units_a_mail_and_hook =
    "[webhooks.hook]\nurl = \"http://127.0.0.1:9/hook\"\n\n"
    "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n"
    "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\nwebhooks = [\"hook\"]\n";

std::vector<std::string> ids_sent_to(const RecordingChannel& channel, const std::string& address) {
  std::vector<std::string> ids;
  for (const auto& e : channel.sent) {
    if (e.recipients == std::vector<std::string>{address}) ids.push_back(e.id);
  }
  return ids;
}

}  // namespace

TEST_CASE("a unit's emails due at one instant go as one bundle, webhooks one per reminder",
          "[scheduler][manual][bundle]") {
  ManualRig rig(tasks_of_a(2), "", k_units_a_mail_and_hook);
  rig.run_until(k_reminder_at);
  const std::string bundle = ids::bundle_id({k_t1, k_t2});
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{bundle});
  // The Office's copy (monitor_cc "all" without the digest) is the same bundle.
  CHECK(ids_sent_to(*rig.email, "vp@example.org") == std::vector<std::string>{bundle});
  // Each reminder keeps its own journal rows.
  for (const std::string& key : {k_t1, k_t2}) {
    CHECK(rig.state(key + "/email:a@example.org") == journal::State::delivered);
    CHECK(rig.state(key + "/email:vp@example.org") == journal::State::delivered);
    CHECK(rig.state(key + "/webhook:hook") == journal::State::delivered);
    CHECK(rig.hook->sent_of(key) == 1);
  }
  CHECK(rig.hook->sent.size() == 2);
  CHECK(rig.email->sent.front().content.find("Message-ID: <" + bundle + "@example.org>") !=
        std::string::npos);
  CHECK(rig.scheduler->stats().at("email").delivered == 4);  // the journal's deliveries
}

TEST_CASE("with bundle = false, each reminder is an email of its own",
          "[scheduler][manual][bundle]") {
  ManualRig rig(tasks_of_a(2), "bundle = false\n");
  rig.run_until(k_reminder_at);
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{k_t1, k_t2});
}

TEST_CASE("a bundle's retry keeps its Message-ID and sends only what is still undelivered",
          "[scheduler][manual][bundle]") {
  ManualRig rig(tasks_of_a(3));
  const std::string t3 = "p.t3.20300111.1d.a";
  rig.email->answers["a@example.org"] = {delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::delivered("250 OK")};
  rig.run_until(k_reminder_at);
  const std::string all = ids::bundle_id({k_t1, k_t2, t3});
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{all});
  for (const std::string& key : {k_t1, k_t2, t3})
    CHECK(rig.state(key + "/email:a@example.org") == journal::State::pending);
  // The members retry together (30-36 s later), as the same bundle.
  rig.run_until(k_reminder_at + seconds{36});
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{all, all});
  // Unit a confirms task 1 meanwhile: the next retry bundles the other two.
  rig.journal->record({{"p", "t1", "20300111", "a"}, true, rig.now, "cli:test", "cli", ""});
  rig.run_until(k_reminder_at + seconds{36 + 72});
  const std::string rest = ids::bundle_id({k_t2, t3});
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{all, all, rest});
  CHECK(rig.state(k_t2 + "/email:a@example.org") == journal::State::delivered);
  CHECK(rig.state(t3 + "/email:a@example.org") == journal::State::delivered);
  CHECK(rig.journal->attempts(t3 + "/email:a@example.org") == 3);
  CHECK(rig.state(k_t1 + "/email:a@example.org") == journal::State::pending);  // as unbundled
  CHECK(rig.email->sent.back().content.find("Message-ID: <" + rest + "@example.org>") !=
        std::string::npos);
  // The Office's copy went at once, and only once.
  CHECK(ids_sent_to(*rig.email, "vp@example.org") == std::vector<std::string>{all});
  rig.run_until(k_reminder_at + hours{2});
  CHECK(rig.email->sent_to("a@example.org") == 3);
}

TEST_CASE("a bundle left with one member goes as that reminder alone",
          "[scheduler][manual][bundle]") {
  ManualRig rig(tasks_of_a(2));
  rig.email->answers["a@example.org"] = {delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::delivered("250 OK")};
  rig.run_until(k_reminder_at);
  rig.journal->record({{"p", "t1", "20300111", "a"}, true, rig.now, "cli:test", "cli", ""});
  rig.run_until(k_reminder_at + seconds{36});
  CHECK(ids_sent_to(*rig.email, "a@example.org") ==
        std::vector<std::string>{ids::bundle_id({k_t1, k_t2}), k_t2});
  CHECK(rig.email->sent.back().content.find("Message-ID: <" + k_t2 + "@example.org>") !=
        std::string::npos);
  CHECK(rig.state(k_t2 + "/email:a@example.org") == journal::State::delivered);
}

TEST_CASE("a restart during a bundle's retry sends its undelivered members once, in one bundle",
          "[scheduler][manual][bundle]") {
  ManualRig rig(tasks_of_a(2));
  rig.email->answers["a@example.org"] = {delivery::Outcome::retryable("421 busy"),
                                         delivery::Outcome::delivered("250 OK")};
  rig.run_until(k_reminder_at);
  const std::string bundle = ids::bundle_id({k_t1, k_t2});
  CHECK(ids_sent_to(*rig.email, "vp@example.org") == std::vector<std::string>{bundle});
  rig.advance_to(k_reminder_at + seconds{10});
  rig.restart();  // before the retry: the new start catches up what is pending
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{bundle, bundle});
  CHECK(ids_sent_to(*rig.email, "vp@example.org") == std::vector<std::string>{bundle});
  for (const std::string& key : {k_t1, k_t2})
    CHECK(rig.state(key + "/email:a@example.org") == journal::State::delivered);
  rig.run_until(k_reminder_at + hours{2});
  CHECK(rig.email->sent.size() == 3);
}

TEST_CASE("a bundle gathers its instant's deliveries across dispatch chunks",
          "[scheduler][manual][bundle]") {
  // 600 reminders of one unit at one instant: more jobs than one chunk of dispatch takes.
  ManualRig rig(tasks_of_a(600));
  rig.run_until(k_reminder_at);
  auto to_a = ids_sent_to(*rig.email, "a@example.org");
  REQUIRE(to_a.size() == 1);
  CHECK(to_a.front().rfind("bundle.", 0) == 0);
  CHECK(rig.email->sent_to("vp@example.org") == 1);
  CHECK(rig.state("p.t600.20300111.1d.a/email:a@example.org") == journal::State::delivered);
}

TEST_CASE("an extension moves one unit's reminders to its new deadline, and it is told",
          "[scheduler][manual][extension]") {
  const std::string plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\", \"b\"]\n"
      "due = 2030-01-11\nleads = [\"3wd\", \"1d\"]\n";
  ManualRig rig(plan);
  rig.run_until(k_reminder_at - hours{24});  // 3wd: Tuesday 08/01 08:00, to both
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{"p.t.20300111.3wd.a"});
  // The Office grants a until Friday 18/01, as the desk or `deadlined extend` records it.
  journal::ExtensionEntry entry;
  entry.target = {"p", "t", "20300111", "a"};
  entry.action = journal::ExtensionEntry::Action::approve;
  entry.until = "2030-01-18";
  entry.at = rig.now;
  entry.actor = "office:vp";
  const auto id = rig.journal->record_extension(entry);
  std::vector<schedule::ExtensionEvent> events{{id, entry.target,
                                                schedule::ExtensionEvent::Action::approve,
                                                entry.until, "", entry.at, entry.actor}};
  auto extensions = std::make_shared<const schedule::Extensions>(*rig.config, events);
  rig.scheduler->load(rig.config, rig.channel_set, extensions);
  rig.drain();
  rig.run_until(date::sys_days{date::year{2030} / 1 / 19});
  // a: told at once, then the stages of its new deadline (3wd on Tuesday 15/01, 1d on
  // Thursday 17/01); the 1d of the old one (Thursday 10/01) never goes.
  CHECK(ids_sent_to(*rig.email, "a@example.org") ==
        std::vector<std::string>{"p.t.20300111.3wd.a", "p.t.20300111.extension-1.a",
                                 "p.t.20300111.gh20300118-3wd.a", "p.t.20300111.gh20300118-1d.a"});
  CHECK_FALSE(rig.state("p.t.20300111.1d.a/email:a@example.org"));
  // What was sent stays in the record.
  CHECK(rig.state("p.t.20300111.3wd.a/email:a@example.org") == journal::State::delivered);
  // b keeps the occurrence's deadline.
  CHECK(ids_sent_to(*rig.email, "b@example.org") ==
        std::vector<std::string>{"p.t.20300111.3wd.b", "p.t.20300111.1d.b"});
  // A restart with the same trail sends nothing again.
  const auto sent = rig.email->sent.size();
  rig.restart();
  rig.scheduler->load(rig.config, rig.channel_set, extensions);
  rig.drain();
  rig.run_until(date::sys_days{date::year{2030} / 1 / 20});
  CHECK(rig.email->sent.size() == sent);
}

TEST_CASE("the notice of a decision on an extension is never bundled with reminders",
          "[scheduler][manual][extension]") {
  const std::string plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\n"
      "due = 2030-01-11\nleads = [\"1d\"]\n\n"
      "[[task]]\nid = \"u\"\ntitle = \"Thống kê\"\nresponsible = [\"a\"]\n"
      "due = 2030-01-11\nleads = [\"3wd\"]\n";
  ManualRig rig(plan);
  const config::SysSeconds stage = k_reminder_at - hours{48};  // u's 3wd: 08/01 08:00
  rig.run_until(stage - std::chrono::minutes{1});
  // An approval recorded at the very instant of u's stage: its notice falls there too.
  std::vector<schedule::ExtensionEvent> events{{1,
                                                {"p", "t", "20300111", "a"},
                                                schedule::ExtensionEvent::Action::approve,
                                                "2030-01-18",
                                                "",
                                                stage,
                                                "office:vp"}};
  rig.scheduler->load(rig.config, rig.channel_set,
                      std::make_shared<const schedule::Extensions>(*rig.config, events));
  rig.drain();
  rig.run_until(stage + std::chrono::minutes{1});
  CHECK(ids_sent_to(*rig.email, "a@example.org") ==
        std::vector<std::string>{"p.t.20300111.extension-1.a", "p.u.20300111.3wd.a"});
}

namespace {

/// Loads the rig's config again with the webhook `hook` at `count` sends a minute (the
/// parsing of `rate = "60/min"` is not part of these tests): a reload.
void rate_hook(ManualRig& rig, std::size_t count) {
  auto config = std::make_shared<config::Config>(*rig.config);
  config->webhooks.at("hook").rate =
      config::RateLimit{count, minutes{1}, std::to_string(count) + "/min"};
  rig.config = config;
  rig.scheduler->load(rig.config, rig.channel_set);
  rig.drain();
}

/// The most of `starts` (in time order) that any window [t, t + 60 s) holds.
std::size_t busiest_minute(const std::vector<config::SysSeconds>& starts) {
  std::size_t most = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t n = 0;
    for (std::size_t j = i; j < starts.size() && starts[j] < starts[i] + minutes{1}; ++j)
      ++n;
    most = std::max(most, n);
  }
  return most;
}

/// The lines logged while it lives.
struct LogCapture {
  LogCapture() { spdlog::default_logger()->sinks().push_back(sink); }
  ~LogCapture() {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  }
  std::size_t count(const std::string& text) const {
    auto lines = sink->last_formatted();
    return static_cast<std::size_t>(std::count_if(
        lines.begin(), lines.end(), [&](auto& l) { return l.find(text) != std::string::npos; }));
  }
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096);
};

std::string hook_key(int task) {
  return "p.t" + std::to_string(task) + ".20300111.1d.a/webhook:hook";
}

/// Every one of the 200 reminders delivered to the hook once, on its first attempt.
void check_all_delivered_once(ManualRig& rig) {
  CHECK(rig.hook->sent.size() == 200);
  for (int i = 1; i <= 200; ++i) {
    INFO(hook_key(i));
    CHECK(rig.hook->sent_of("p.t" + std::to_string(i) + ".20300111.1d.a") == 1);
    CHECK(rig.state(hook_key(i)) == journal::State::delivered);
    CHECK(rig.journal->attempts(hook_key(i)) == 1);
  }
  CHECK(rig.scheduler->stats().at("webhook:hook").retries == 0);
  CHECK(rig.scheduler->rate_waiting() == 0);
}

}  // namespace

TEST_CASE("a burst of 200 to a 60/min channel never exceeds the rate, and loses nothing",
          "[scheduler][manual][rate]") {
  LogCapture log;
  ManualRig rig(tasks_of_a(200), "", units_with_hook("http://127.0.0.1:9/hook"));
  rate_hook(rig, 60);
  std::vector<config::SysSeconds> starts;
  rig.hook->answer_by = [&](const delivery::Envelope&) -> std::optional<delivery::Outcome> {
    starts.push_back(rig.now);
    return std::nullopt;  // delivered
  };
  rig.run_until(k_reminder_at);
  CHECK(starts.size() == 60);
  CHECK(rig.scheduler->rate_waiting() == 140);
  // A send that waits is no attempt: no row, nothing counted.
  CHECK_FALSE(rig.state(hook_key(200)));
  CHECK(log.count("webhook:hook: rate 60/min reached; 140 sends wait") == 1);
  // The timer wakes when the first sends leave the window: a minute and the clock's second.
  CHECK(rig.timer->armed() == k_reminder_at + seconds{61});
  rig.run_until(k_reminder_at + minutes{10});
  REQUIRE(starts.size() == 200);
  CHECK(busiest_minute(starts) <= 60);
  CHECK(std::is_sorted(starts.begin(), starts.end()));
  // 60 at 08:00:00, 08:01:01 and 08:02:02, the last 20 at 08:03:03: a burst drains in 3
  // minutes.
  CHECK(starts.front() == k_reminder_at);
  CHECK(starts.back() == k_reminder_at + seconds{183});
  CHECK(std::count(starts.begin(), starts.end(), k_reminder_at + seconds{122}) == 60);
  // First come first served: they go in the order they were due (t1 … t200).
  std::vector<std::string> order;
  for (const auto& e : rig.hook->sent)
    order.push_back(e.id);
  for (int i = 1; i <= 200; ++i)
    CHECK(order[static_cast<std::size_t>(i - 1)] == "p.t" + std::to_string(i) + ".20300111.1d.a");
  check_all_delivered_once(rig);
  CHECK(log.count("rate 60/min reached") == 1);  // told once, as the burst began
}

TEST_CASE("a reload mid-burst keeps the sends waiting for the rate, and a new rate applies",
          "[scheduler][manual][rate]") {
  ManualRig rig(tasks_of_a(200), "", units_with_hook("http://127.0.0.1:9/hook"));
  rate_hook(rig, 60);
  std::vector<config::SysSeconds> starts;
  rig.hook->answer_by = [&](const delivery::Envelope&) -> std::optional<delivery::Outcome> {
    starts.push_back(rig.now);
    return std::nullopt;
  };
  rig.run_until(k_reminder_at);
  REQUIRE(rig.scheduler->rate_waiting() == 140);

  SECTION("the same rate: its window is kept") {
    rig.advance_to(k_reminder_at + seconds{30});
    rate_hook(rig, 60);
    // The reload's catch-up of the stages waiting does not queue them twice, and the window
    // still holds the sends of 08:00.
    CHECK(rig.scheduler->rate_waiting() == 140);
    CHECK(starts.size() == 60);
    rig.run_until(k_reminder_at + minutes{10});
    REQUIRE(starts.size() == 200);
    CHECK(busiest_minute(starts) <= 60);
    CHECK(starts.back() == k_reminder_at + seconds{183});
    check_all_delivered_once(rig);
  }
  SECTION("a higher rate takes effect at once") {
    rig.advance_to(k_reminder_at + seconds{30});
    rate_hook(rig, 120);
    CHECK(starts.size() == 120);  // 60 more at 08:00:30: 120 in the window
    rig.run_until(k_reminder_at + minutes{10});
    REQUIRE(starts.size() == 200);
    CHECK(std::count(starts.begin(), starts.end(), k_reminder_at + seconds{61}) == 60);
    CHECK(starts.back() == k_reminder_at + seconds{91});
    check_all_delivered_once(rig);
  }
  SECTION("a stop leaves what waits unrecorded; the next start sends it, within the rate") {
    rig.advance_to(k_reminder_at + seconds{30});
    rig.restart();
    // The new start counts the sends of 08:00 against the rate: none goes before 08:01.
    CHECK(starts.size() == 60);
    rig.run_until(k_reminder_at + minutes{10});
    REQUIRE(starts.size() == 200);
    CHECK(busiest_minute(starts) <= 60);
    check_all_delivered_once(rig);
  }
}

TEST_CASE("a channel without a rate is not held by another's", "[scheduler][manual][rate]") {
  ManualRig rig(tasks_of_a(200), "bundle = false\n", k_units_a_mail_and_hook);
  rate_hook(rig, 60);
  rig.run_until(k_reminder_at);
  // Every email (a's, and the Office's copy of each) goes at once; the webhook 60 a minute.
  CHECK(rig.email->sent_to("a@example.org") == 200);
  CHECK(rig.email->sent_to("vp@example.org") == 200);
  CHECK(rig.hook->sent.size() == 60);
  CHECK(rig.scheduler->rate_waiting() == 140);
  rig.run_until(k_reminder_at + minutes{10});
  check_all_delivered_once(rig);
  CHECK(rig.email->sent.size() == 400);
}

TEST_CASE("a bundle counts as one send, and waits whole", "[scheduler][manual][rate][bundle]") {
  ManualRig rig(tasks_of_a(3));
  auto config = std::make_shared<config::Config>(*rig.config);
  config->email.rate = config::RateLimit{1, minutes{1}, "1/min"};
  rig.config = config;
  rig.scheduler->load(rig.config, rig.channel_set);
  rig.drain();
  rig.run_until(k_reminder_at);
  const std::string bundle = ids::bundle_id({k_t1, k_t2, "p.t3.20300111.1d.a"});
  // a's bundle of three is one send; the Office's copy, the same bundle, waits a minute (and the
  // clock's second).
  CHECK(rig.email->sent.size() == 1);
  CHECK(rig.scheduler->rate_waiting() == 1);
  rig.run_until(k_reminder_at + seconds{61});
  CHECK(ids_sent_to(*rig.email, "a@example.org") == std::vector<std::string>{bundle});
  CHECK(ids_sent_to(*rig.email, "vp@example.org") == std::vector<std::string>{bundle});
  CHECK(rig.state(k_t1 + "/email:vp@example.org") == journal::State::delivered);
  CHECK(rig.journal->attempts(k_t1 + "/email:vp@example.org") == 1);
}

TEST_CASE("a send that waits for its rate is dropped when its unit confirms meanwhile",
          "[scheduler][manual][rate]") {
  ManualRig rig(tasks_of_a(3), "", units_with_hook("http://127.0.0.1:9/hook"));
  rate_hook(rig, 1);
  rig.run_until(k_reminder_at);
  CHECK(rig.hook->sent.size() == 1);
  CHECK(rig.scheduler->rate_waiting() == 2);
  rig.journal->record({{"p", "t2", "20300111", "a"}, true, rig.now, "cli:test", "cli", ""});
  rig.run_until(k_reminder_at + minutes{10});
  std::vector<std::string> ids;
  for (const auto& e : rig.hook->sent)
    ids.push_back(e.id);
  // t3 takes the minute t2 would have had.
  CHECK(ids == std::vector<std::string>{k_t1, "p.t3.20300111.1d.a"});
  CHECK_FALSE(rig.state(hook_key(2)));
  CHECK(rig.state(hook_key(3)) == journal::State::delivered);
}
