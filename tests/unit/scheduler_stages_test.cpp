// The scheduler's decisions, each stage on its own: no io_context, no threads, no clock.
#include <catch2/catch.hpp>

#include <algorithm>

#include <map>

#include "config/loader.hpp"
#include "delivery/channels.hpp"
#include "message/time_format.hpp"
#include "scheduler/deliveries.hpp"
#include "scheduler/digest.hpp"
#include "scheduler/job_queue.hpp"
#include "scheduler/office_reports.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/retry_policy.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using namespace deadlined::scheduler;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

/// 2026-03-02 (a Monday) at `hh:mm` in Vietnam (UTC+7).
SysSeconds monday(int hh, int mm = 0) {
  return date::sys_days{date::year{2026} / 3 / 2} + hours{hh - 7} + minutes{mm};
}

/// A config on Vietnam's calendar with a Maildir channel, the Office vp and units a, b;
/// `plan` is the plan file.
std::shared_ptr<const config::Config> load(const std::string& plan,
                                           const std::string& service_extra = "") {
  static test::TempDir dir;
  dir.write("plans/p.toml", plan);
  return test::load_or_fail(dir.write(
      "main.toml",
      "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n" + service_extra +
          "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n" +
          test::k_units_vp_a_b));
}

/// A generation whose only channel is "email" through SMTP (a delivery per address), which
/// nothing here sends to.
std::shared_ptr<const Generation> generation_of(std::shared_ptr<const config::Config> config) {
  static const std::atomic<bool> abort{false};
  delivery::ChannelSet::Channels channels;
  channels["email"] = std::make_unique<delivery::SmtpChannel>(config->email, abort);
  return std::make_shared<const Generation>(
      Generation{std::move(config), std::make_shared<delivery::ChannelSet>(std::move(channels))});
}

/// The journal as the planner sees it: a map of key to state.
class FakeStates final : public DeliveryStates {
 public:
  std::map<std::string, journal::State> states;
  std::size_t reads = 0;
  std::optional<journal::State> state_of(const std::string& key) override {
    ++reads;
    auto it = states.find(key);
    if (it == states.end()) return std::nullopt;
    return it->second;
  }
};

std::string kind_of(const Job& job) {
  static const char* k_names[] = {"compute", "reminder", "delivery", "report", "digest"};
  return k_names[job.work.index()];
}

// Due Friday 06/03/2026 at 17:00; stages 3wd (Tue 03/03 08:00) and 1d (Thu 05/03 08:00).
const std::string k_plan =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\", \"b\"]\n"
    "due = 2026-03-06\nleads = [\"3wd\", \"1d\"]\n";

}  // namespace

TEST_CASE("retry delays double from retry_initial up to retry_max, with at most a fifth more",
          "[scheduler][retry]") {
  config::ServiceConfig service;  // 30 s, doubling up to 30 min
  CHECK(retry_delay(service, 1, 0.0) == seconds{30});
  CHECK(retry_delay(service, 2, 0.0) == seconds{60});
  CHECK(retry_delay(service, 4, 0.0) == seconds{240});
  CHECK(retry_delay(service, 7, 0.0) == seconds{1800});
  CHECK(retry_delay(service, 40, 0.0) == seconds{1800});
  CHECK(retry_delay(service, 1, 0.999) == seconds{36});
  CHECK(retry_delay(service, 40, 0.999) == seconds{2160});
  CHECK(retry_delay(service, 1, 0.5) == seconds{33});
}

TEST_CASE("the verdict on an attempt: delivered, retry, give up, permanent, abandon",
          "[scheduler][retry]") {
  using Kind = delivery::Outcome::Kind;
  config::ServiceConfig service;
  const SysSeconds now = monday(9);
  const SysSeconds give_up = now + hours{1};

  CHECK(std::holds_alternative<verdict::Delivered>(
      decide(Kind::delivered, 1, now, give_up, false, service, 0.0)));
  // Delivered and permanent are final even while stopping.
  CHECK(std::holds_alternative<verdict::Delivered>(
      decide(Kind::delivered, 1, now, give_up, true, service, 0.0)));
  CHECK(std::holds_alternative<verdict::Permanent>(
      decide(Kind::permanent, 1, now, give_up, true, service, 0.0)));

  auto retry = decide(Kind::retryable, 3, now, give_up, false, service, 0.0);
  REQUIRE(std::holds_alternative<verdict::RetryAt>(retry));
  CHECK(std::get<verdict::RetryAt>(retry).at == now + seconds{120});
  // A retry never waits past the give-up time...
  retry = decide(Kind::retryable, 20, now, now + seconds{100}, false, service, 0.0);
  REQUIRE(std::holds_alternative<verdict::RetryAt>(retry));
  CHECK(std::get<verdict::RetryAt>(retry).at == now + seconds{100});
  // ...and at it, the delivery is given up.
  CHECK(std::holds_alternative<verdict::GiveUp>(
      decide(Kind::retryable, 2, give_up, give_up, false, service, 0.0)));
  CHECK(std::holds_alternative<verdict::GiveUp>(
      decide(Kind::retryable, 2, give_up + seconds{1}, give_up, false, service, 0.0)));
  // A shutdown leaves a retryable failure pending, whatever the time.
  CHECK(std::holds_alternative<verdict::Abandon>(
      decide(Kind::retryable, 2, now, give_up, true, service, 0.0)));
  CHECK(std::holds_alternative<verdict::Abandon>(
      decide(Kind::retryable, 2, give_up, give_up, true, service, 0.0)));
}

TEST_CASE("a receiver's Retry-After sets the retry, up to an hour and never past the give-up",
          "[scheduler][retry]") {
  using Kind = delivery::Outcome::Kind;
  config::ServiceConfig service;  // retry_initial 30 s
  const SysSeconds now = monday(9);
  const SysSeconds give_up = now + hours{3};
  auto at = [&](std::optional<seconds> retry_after, SysSeconds until) {
    auto v = decide(Kind::retryable, 1, now, until, false, service, 0.0, retry_after);
    REQUIRE(std::holds_alternative<verdict::RetryAt>(v));
    return std::get<verdict::RetryAt>(v).at - now;
  };
  CHECK(at(std::nullopt, give_up) == seconds{30});
  CHECK(at(seconds{300}, give_up) == seconds{300});
  CHECK(at(seconds{2}, give_up) == seconds{2});  // sooner than our backoff, too
  CHECK(at(seconds{0}, give_up) == seconds{1});
  CHECK(at(hours{5}, give_up) == scheduler::k_retry_after_max);
  CHECK(at(seconds{3000}, now + seconds{600}) == seconds{600});
}

TEST_CASE("the next digest: today's while the working day lasts, else the next working day's",
          "[scheduler][digest]") {
  auto c = load(k_plan, "overdue = true\ndigest = true\ndigest_time = \"08:30\"\n");
  // Before digest_time on a working day: today at digest_time.
  CHECK(next_digest(*c, monday(6), false) == monday(8, 30));
  // A start after digest_time (a digest missed while stopped): now.
  CHECK(next_digest(*c, monday(10), false) == monday(10));
  // After the working day (17:00), or once today's is sent: the next working day.
  CHECK(next_digest(*c, monday(17, 30), false) == monday(8, 30) + hours{24});
  CHECK(next_digest(*c, monday(8, 30), true) == monday(8, 30) + hours{24});
  // Friday 06/03 after its digest: Monday 09/03, over the weekend.
  CHECK(next_digest(*c, monday(9) + hours{4 * 24}, true) == monday(8, 30) + hours{7 * 24});
  // Thursday 30/04/2026 (Reunification Day) is no working day: Saturday 25/04 then Monday.
  auto tet_eve = date::sys_days{date::year{2026} / 4 / 29} + hours{10 - 7};
  auto after = next_digest(*c, tet_eve, true);
  CHECK(c->calendar->is_working_day(date::floor<date::days>(c->service.zone->to_local(after))));
  CHECK(after > tet_eve + hours{24});
}

TEST_CASE("the digest keeps office hours: none at night or on a day off, even when caught up",
          "[scheduler][digest][office-hours]") {
  auto c = load(k_plan, "overdue = true\ndigest = true\n");  // digest_time: send_time, 08:00
  // Started at 20:00 (or at 04:15 the next day): not this morning's at 20:00, the next
  // working morning's.
  CHECK(next_digest(*c, monday(20), false) == monday(8) + hours{24});
  CHECK(next_digest(*c, monday(4, 15) + hours{24}, false) == monday(8) + hours{24});
  // Started on Saturday 07/03: Monday 09/03 at 08:00.
  CHECK(next_digest(*c, monday(10) + hours{5 * 24}, false) == monday(8) + hours{7 * 24});
  // Started within office hours after digest_time: today's goes now (the Office still reads
  // it that day).
  CHECK(next_digest(*c, monday(16, 59), false) == monday(16, 59));
  CHECK(digest_on_time(*c, monday(8)));
  CHECK(digest_on_time(*c, monday(16, 59)));
  CHECK_FALSE(digest_on_time(*c, monday(7, 59)));
  CHECK_FALSE(digest_on_time(*c, monday(17)));
  CHECK_FALSE(digest_on_time(*c, monday(10) + hours{5 * 24}));

  // A tick that fires late (after a suspend, at 20:00) sends nothing and waits for the next
  // working morning; one on time queues the digest's deliveries too.
  auto g = generation_of(c);
  auto run = [&](SysSeconds now) {
    JobQueue queue;
    OfficeReports reports(queue);
    reports.digest(Job{now, 0, g, DigestTick{}}, now, schedule::Extensions::none(),
                   [](const ids::AssignmentId&) { return std::optional<journal::Confirmation>{}; });
    std::vector<std::string> out;
    Job job;
    while (queue.pop_due(monday(0) + hours{24 * 30}, job))
      out.push_back(kind_of(job) + "@" + message::iso8601(c->service.zone, job.at).substr(0, 16));
    return out;
  };
  // Wednesday 04/03: the 3wd stage has gone out, the deadline (Friday) is ahead.
  CHECK(run(monday(20) + hours{48}) == std::vector<std::string>{"digest@2026-03-05T08:00"});
  CHECK(run(monday(8) + hours{48}) ==
        std::vector<std::string>{"report@2026-03-04T08:00", "digest@2026-03-05T08:00"});
}

TEST_CASE("the digest lists each open occurrence with each unit's latest confirmation",
          "[scheduler][digest]") {
  auto c = load(k_plan, "overdue = true\n");
  std::vector<ids::AssignmentId> asked;
  const SysSeconds confirmed_at = monday(9);
  // Wednesday 04/03: the first stage (Tuesday) has gone out, the deadline (Friday) is ahead.
  auto items = digest_items(
      *c, monday(10) + hours{48}, schedule::Extensions::none(), [&](const ids::AssignmentId& a) {
        asked.push_back(a);
        std::optional<journal::Confirmation> entry;
        // a confirmed, then the Office reopened it; b confirmed.
        if (a.unit == "a")
          entry = journal::Confirmation{a, false, confirmed_at, "cli:vp", "cli", ""};
        if (a.unit == "b") entry = journal::Confirmation{a, true, confirmed_at, "link", "", ""};
        return entry;
      });
  REQUIRE(items.size() == 1);
  CHECK(asked ==
        std::vector<ids::AssignmentId>{{"p", "t", "20260306", "a"}, {"p", "t", "20260306", "b"}});
  REQUIRE(items[0].units.size() == 2);
  CHECK(items[0].units[0].unit->id == "a");
  CHECK_FALSE(items[0].units[0].confirmed);
  CHECK(items[0].units[1].confirmed);
  CHECK(items[0].units[1].confirmed_at == confirmed_at);
}

TEST_CASE("the queue: by time, sends before computations at one instant, then first queued",
          "[scheduler][queue]") {
  auto c = load(k_plan);
  auto g = generation_of(c);
  const SysSeconds t = monday(8);
  JobQueue queue;
  queue.push(Job{t, 0, g, ComputeOccurrence{{&c->plans[0], &c->plans[0].tasks[0], 0, t}}});
  queue.push(Job{t + seconds{1}, 0, g, DigestTick{}});
  queue.push(Job{t, 0, g, DigestTick{}});
  queue.push(Job{t - seconds{1}, 0, g,
                 ComputeOccurrence{{&c->plans[0], &c->plans[0].tasks[0], 1, t + hours{1}}}});
  auto delivery = std::make_shared<const Delivery>();
  queue.push(Job{t, 0, g, SendDelivery{nullptr, delivery, true}});
  queue.push(Job{t, 0, g, SendReport{delivery}});
  CHECK(queue.size() == 6);
  CHECK(queue.prepared() == 1);
  CHECK(queue.next_wake() == t - seconds{1});
  // A pending occurrence's event is its first stage, not its preparation time.
  CHECK(queue.next_event() == t + hours{1});

  Job job;
  CHECK_FALSE(queue.pop_due(t - seconds{2}, job));
  std::vector<std::string> order;
  while (queue.pop_due(t + seconds{1}, job))
    order.push_back(kind_of(job));
  CHECK(order ==
        std::vector<std::string>{"compute", "digest", "delivery", "report", "compute", "digest"});
  CHECK(queue.prepared() == 0);
  CHECK(queue.empty());
}

TEST_CASE("the room for prepared deliveries never wraps below zero", "[scheduler][queue]") {
  auto c = load(k_plan);
  auto g = generation_of(c);
  auto delivery = std::make_shared<const Delivery>();
  JobQueue queue;
  CHECK(queue.prepared_room(3) == 3);
  // A reminder's deliveries are prepared together, so the count may pass the limit.
  for (int i = 0; i < 4; ++i)
    queue.push(Job{monday(8), 0, g, SendDelivery{nullptr, delivery, true}});
  CHECK(queue.prepared() == 4);
  CHECK(queue.prepared_room(5) == 1);
  CHECK(queue.prepared_room(4) == 0);
  CHECK(queue.prepared_room(3) == 0);
}

TEST_CASE("a reload keeps retries and reports and drops the rest", "[scheduler][queue]") {
  auto c = load(k_plan);
  auto g = generation_of(c);
  const SysSeconds t = monday(8);
  auto delivery = std::make_shared<const Delivery>();
  JobQueue queue;
  queue.push(Job{t, 0, g, DigestTick{}});
  queue.push(Job{t, 0, g, SendDelivery{nullptr, delivery, true}});       // prepared: dropped
  queue.push(Job{t + hours{1}, 0, g, SendDelivery{nullptr, delivery}});  // a retry: kept
  queue.push(Job{t + hours{2}, 0, g, SendReport{delivery}});             // kept
  queue.push(Job{t, 0, g, SendReminder{}});
  CHECK(queue.keep_carried_over() == 2);
  CHECK(queue.prepared() == 0);
  CHECK(queue.next_wake() == t + hours{1});
  Job job;
  REQUIRE(queue.pop_due(t + hours{3}, job));
  CHECK(job.at == t + hours{1});
  CHECK(std::holds_alternative<SendDelivery>(job.work));
  REQUIRE(queue.pop_due(t + hours{3}, job));
  CHECK(std::holds_alternative<SendReport>(job.work));
  CHECK(queue.empty());
}

TEST_CASE("the planner: upcoming, prepared within the window, and the journal's catch-up",
          "[scheduler][planner]") {
  auto c = load(k_plan);
  auto g = generation_of(c);

  SECTION("before the first stage, one pending occurrence, computed 2 s ahead") {
    FakeStates states;
    LoadPlan plan = Planner(g, monday(7), k_prepared_limit).load(states);
    CHECK(plan.waiting == 1);
    CHECK(plan.upcoming == 0);
    CHECK(plan.caught_up == 0);
    REQUIRE(plan.jobs.size() == 1);
    CHECK(kind_of(plan.jobs[0]) == "compute");
    CHECK(plan.jobs[0].at == monday(8) + hours{24} - k_prepare_ahead);
    CHECK(states.reads == 0);
  }

  SECTION("an occurrence computed at its preparation time has its first stage prepared") {
    const SysSeconds first = monday(8) + hours{24};  // Tuesday 03/03 08:00 (3wd)
    FakeStates states;
    LoadPlan plan = Planner(g, monday(7), k_prepared_limit).load(states);
    const auto& pending = std::get<ComputeOccurrence>(plan.jobs[0].work).pending;
    auto jobs = Planner(g, first - k_prepare_ahead, k_prepared_limit).occurrence(pending);
    std::vector<std::string> kinds;
    for (const Job& job : jobs)
      kinds.push_back(kind_of(job) + "@" + std::to_string((job.at - first).count()));
    // 3wd to a and b prepared (the unit's address and the Office's copy each), 1d two days
    // later as reminders.
    CHECK(kinds == std::vector<std::string>{"delivery@0", "delivery@0", "delivery@0", "delivery@0",
                                            "reminder@172800", "reminder@172800"});
    CHECK(std::get<SendDelivery>(jobs[1].work).delivery->record.key ==
          "p.t.20260306.3wd.a/email:vp@example.org");
    CHECK(std::get<SendDelivery>(jobs[1].work).prepared);
    CHECK(std::get<SendDelivery>(jobs[0].work).delivery->record.key ==
          "p.t.20260306.3wd.a/email:a@example.org");
    // With no room for prepared deliveries, the stage waits as a reminder.
    jobs = Planner(g, first - k_prepare_ahead, 0).occurrence(pending);
    CHECK(kind_of(jobs[0]) == "reminder");
  }

  SECTION("a start between stages catches up the stage the journal has not delivered") {
    // Wednesday 04/03: 3wd (Tuesday) has passed; b's was delivered, a's never attempted.
    FakeStates states;
    states.states["p.t.20260306.3wd.b/email:b@example.org"] = journal::State::delivered;
    states.states["p.t.20260306.3wd.b/email:vp@example.org"] = journal::State::delivered;
    LoadPlan plan = Planner(g, monday(10) + hours{48}, k_prepared_limit).load(states);
    CHECK(plan.caught_up == 1);
    CHECK(plan.upcoming == 2);  // 1d to a and b
    std::vector<std::string> caught;
    for (const Job& job : plan.jobs) {
      if (const auto* send = std::get_if<SendReminder>(&job.work);
          send && job.at == monday(10) + hours{48})
        caught.push_back(send->reminder->key() + (send->reminder->late ? " late" : ""));
    }
    CHECK(caught == std::vector<std::string>{"p.t.20260306.3wd.a late"});
  }

  SECTION("after the deadline only an attempt cut short is taken up again, at once") {
    FakeStates states;
    const SysSeconds after = monday(18) + hours{4 * 24};  // Friday 06/03 18:00
    LoadPlan plan = Planner(g, after, k_prepared_limit).load(states);
    CHECK(plan.caught_up == 0);
    states.states["p.t.20260306.1d.a/email:a@example.org"] = journal::State::pending;
    plan = Planner(g, after, k_prepared_limit).load(states);
    CHECK(plan.caught_up == 1);
    std::vector<std::string> resumed;
    for (const Job& job : plan.jobs) {
      if (const auto* send = std::get_if<SendReminder>(&job.work); send && job.at == after)
        resumed.push_back(send->reminder->key());
    }
    CHECK(resumed == std::vector<std::string>{"p.t.20260306.1d.a"});
  }
}

TEST_CASE("the planner defers a catch-up found outside office hours to the next working morning",
          "[scheduler][planner][office-hours]") {
  auto g = generation_of(load(k_plan));
  // The catch-ups of a load at `now`: "key@local time".
  auto caught = [&](SysSeconds now) {
    FakeStates states;
    LoadPlan plan = Planner(g, now, k_prepared_limit).load(states);
    std::vector<std::string> out;
    for (const Job& job : plan.jobs) {
      const auto* send = std::get_if<SendReminder>(&job.work);
      if (send && send->reminder->at < now)
        out.push_back(send->reminder->key() + "@" +
                      message::iso8601(g->config->service.zone, job.at).substr(0, 16));
    }
    CHECK(plan.caught_up == out.size());
    return out;
  };
  // Tuesday 03/03 at 20:00, its 3wd stage missed: Wednesday 08:00, not now.
  CHECK(caught(monday(20) + hours{24}) ==
        std::vector<std::string>{"p.t.20260306.3wd.a@2026-03-04T08:00",
                                 "p.t.20260306.3wd.b@2026-03-04T08:00"});
  // Within office hours, at once.
  CHECK(caught(monday(12) + hours{24}) ==
        std::vector<std::string>{"p.t.20260306.3wd.a@2026-03-03T12:00",
                                 "p.t.20260306.3wd.b@2026-03-03T12:00"});
  // Wednesday 04/03 at 20:00: the next morning is the 1d stage's, which goes instead.
  CHECK(caught(monday(20) + hours{48}).empty());
}

TEST_CASE("deliveries: one per address of a per-recipient channel, keyed as journals hold",
          "[scheduler][deliveries]") {
  auto c = load(k_plan);
  auto g = generation_of(c);
  auto reminders = schedule::reminders_between(*c, monday(0), monday(0) + hours{24 * 7});
  REQUIRE_FALSE(reminders.empty());
  const schedule::Reminder& r = reminders.front();
  auto out = deliveries_of(*g, r, r.at);
  // The unit's address and the Office's copy, each a delivery of its own (SMTP semantics).
  REQUIRE(out.size() == 2);
  CHECK(out[0].record.key == r.key() + "/email:" + r.unit->emails[0]);
  CHECK(out[1].record.key == r.key() + "/email:vp@example.org");
  CHECK(out[0].record.reminder_key == r.key());
  CHECK(out[0].record.plan == "p");
  CHECK(out[0].record.stage == r.stage);
  CHECK(out[0].give_up_at == r.until + c->service.give_up_after);

  message::Outbound report;
  report.channel = "email";
  report.to = {"vp@example.org"};
  ids::ReportId id{ids::ReportId::Kind::digest, "20260302", {}};
  auto reports = report_deliveries(*g, *c->monitor_unit(), report, id, monday(8), monday(9));
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].record.key == "digest.20260302/email:vp@example.org");
  CHECK(reports[0].record.plan == "-");
  CHECK(reports[0].record.task == "digest");
  CHECK(reports[0].record.occurrence == "20260302");
  CHECK(reports[0].record.stage == "report");
  CHECK(reports[0].is_report);
}

TEST_CASE("a first start chases no deadline before the journal was made, and claims no downtime",
          "[scheduler][planner]") {
  // Due Tuesday 10/02 (past on Wednesday 04/03, overdue notices every 2 working days) and
  // Friday 06/03 (its 3wd stage, Tuesday 03/03, has passed).
  const std::string plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
      "[[task]]\nid = \"cu\"\ntitle = \"Báo cáo cũ\"\nresponsible = [\"a\"]\n"
      "due = 2026-02-10\nleads = [\"1d\"]\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\n"
      "due = 2026-03-06\nleads = [\"3wd\", \"1d\"]\n";
  auto c = load(plan, "overdue = true\n");
  auto g = generation_of(c);
  const SysSeconds now = monday(10) + hours{48};  // Wednesday 04/03 10:00
  auto caught = [&](std::optional<SysSeconds> installed) {
    FakeStates states;
    LoadPlan loaded = Planner(g, now, k_prepared_limit, installed).load(states);
    std::vector<std::string> out;
    for (const Job& job : loaded.jobs) {
      if (const auto* send = std::get_if<SendReminder>(&job.work); send && job.at == now)
        out.push_back(send->reminder->key() + (send->reminder->late ? " late" : ""));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  // Installed long ago and down since: both are caught up, and marked late.
  auto before = caught(monday(0) - hours{24 * 60});
  REQUIRE(before.size() == 2);
  CHECK(before[0].rfind("p.cu.20260210.overdue-", 0) == 0);
  CHECK(before[0].size() > 4);
  CHECK(before[0].substr(before[0].size() - 5) == " late");
  CHECK(before[1] == "p.t.20260306.3wd.a late");
  // Installed this morning: the deadline of 10/02 is not chased, and the 3wd stage, whose
  // time came before the installation, goes out without a late note.
  CHECK(caught(now - hours{1}) == std::vector<std::string>{"p.t.20260306.3wd.a"});

  // [service] chase_from sets the earliest deadline chased, whatever the journal says.
  auto c2 = load(plan, "overdue = true\nchase_from = 2026-02-11\n");
  auto g2 = generation_of(c2);
  FakeStates states;
  LoadPlan loaded = Planner(g2, now, k_prepared_limit, monday(0) - hours{24 * 60}).load(states);
  for (const Job& job : loaded.jobs) {
    if (const auto* send = std::get_if<SendReminder>(&job.work))
      CHECK(send->reminder->task->id == "t");
  }
}
