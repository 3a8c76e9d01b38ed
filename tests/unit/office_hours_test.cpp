// Chasing keeps office hours: overdue notices, escalations and catch-ups on working days
// between send_time and day_end; exact leads stay exact.
#include <catch2/catch.hpp>

#include <map>

#include "config/loader.hpp"
#include "message/time_format.hpp"
#include "schedule/chase.hpp"
#include "schedule/schedule.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using config::SysSeconds;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

/// Day `d` of March 2026 (Monday 02/03 to Monday 09/03 is one plain week) at hh:mm in
/// Vietnam (UTC+7); `month` for other months of 2026.
SysSeconds vn(int d, int hh, int mm = 0, int month = 3) {
  return date::sys_days{date::year{2026} / month / d} + hours{hh - 7} + minutes{mm};
}

/// A config on Vietnam's calendar with chasing on, the Office vp and units a, b; `plan` is
/// the plan file.
std::shared_ptr<const config::Config> load(const std::string& plan,
                                           const std::string& service_extra = "") {
  static test::TempDir dir;
  dir.write("plans/p.toml", plan);
  return test::load_or_fail(dir.write(
      "main.toml",
      "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\noverdue = true\n" + service_extra +
          "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n" +
          test::k_units_vp_a_b));
}

/// A [[task]] for unit a, with `extra` lines.
std::string task(const std::string& id, const std::string& due, const std::string& extra = "",
                 const std::string& leads = "[\"1d\"]") {
  return "\n[[task]]\nid = \"" + id + "\"\ntitle = \"Báo cáo " + id +
         "\"\nresponsible = [\"a\"]\ndue = " + due + "\nleads = " + leads + "\n" + extra;
}

const std::string k_plan_head = "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n";

std::string local(const config::Config& c, SysSeconds t) {
  return message::iso8601(c.service.zone, t).substr(0, 16);
}

/// "task stage local-time" of every overdue notice and escalation in March 2026.
std::vector<std::string> chase_lines(const config::Config& c) {
  std::vector<std::string> out;
  for (const auto& r : schedule::reminders_between(c, vn(1, 0), vn(31, 0))) {
    if (r.kind != schedule::Reminder::Kind::reminder)
      out.push_back(r.task->id + " " + r.stage + " " + local(c, r.at));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The catch-up of the agenda at `now` for task `id`.
schedule::Reminder caught_up(const config::Config& c, SysSeconds now, const std::string& id) {
  auto agenda = schedule::agenda_at(c, now, std::chrono::seconds{60});
  for (auto& r : agenda.catch_up) {
    if (r.task->id == id) return r;
  }
  FAIL("no catch-up of " << id << " at " << local(c, now));
  return {};
}

}  // namespace

TEST_CASE("office hours are working days from send_time until day_end", "[office-hours]") {
  auto c = load(k_plan_head + task("t", "2026-03-06"));
  CHECK(schedule::in_office_hours(*c, vn(2, 8)));
  CHECK(schedule::in_office_hours(*c, vn(2, 16, 59)));
  CHECK_FALSE(schedule::in_office_hours(*c, vn(2, 7, 59)));
  CHECK_FALSE(schedule::in_office_hours(*c, vn(2, 17)));
  CHECK_FALSE(schedule::in_office_hours(*c, vn(7, 10)));  // Saturday
  // Outside them, the next working morning.
  CHECK(schedule::office_time(*c, vn(2, 4, 15)) == vn(2, 8));
  CHECK(schedule::office_time(*c, vn(2, 10)) == vn(2, 10));
  CHECK(schedule::office_time(*c, vn(2, 17)) == vn(3, 8));
  CHECK(schedule::office_time(*c, vn(6, 20)) == vn(9, 8));  // Friday night: Monday
  CHECK(schedule::office_time(*c, vn(7, 10)) == vn(9, 8));  // Saturday: Monday
  // Friday 13/02/2026, the last working day before Tết: Monday 23/02.
  CHECK(schedule::office_time(*c, vn(13, 20, 0, 2)) == vn(23, 8, 0, 2));

  auto other =
      load(k_plan_head + task("t", "2026-03-06"), "send_time = \"07:30\"\nday_end = \"16:30\"\n");
  CHECK(schedule::office_time(*other, vn(2, 16, 45)) == vn(3, 7, 30));
  CHECK(schedule::office_time(*other, vn(2, 7, 15)) == vn(2, 7, 30));
}

TEST_CASE("the first overdue notice goes on the first working morning after the deadline",
          "[office-hours][chase]") {
  const std::string once = "overdue_every = \"0wd\"\n";
  auto c =
      load(k_plan_head + task("thu", "2026-03-05", once) + task("fri", "2026-03-06", once) +
           // Due before send_time: not that same morning, the next one.
           task("sang", "2026-03-03T07:00:00", once) +
           // 17:00 + 3 days is Sunday 17:00: Monday morning.
           task("tre", "2026-03-05", once + "overdue_delay = \"3d\"\n") +
           // 10:00 + 1 day is Tuesday 10:00: the first morning at or after it.
           task("gio", "2026-03-02T10:00:00", once + "overdue_delay = \"1d\"\n") +
           // An escalation after 1 working day, at that working morning.
           task("len", "2026-03-06", once + "escalate_after = \"1wd\"\nescalate_to = [\"vp\"]\n"));
  CHECK(chase_lines(*c) == std::vector<std::string>{
                               "fri overdue-1 2026-03-09T08:00",
                               "gio overdue-1 2026-03-04T08:00",
                               "len escalate-vp 2026-03-09T08:00",
                               "len overdue-1 2026-03-09T08:00",
                               "sang overdue-1 2026-03-04T08:00",
                               "thu overdue-1 2026-03-06T08:00",
                               "tre overdue-1 2026-03-09T08:00",
                           });
}

TEST_CASE("overdue notices: every 3 working days, at most 5 by default, overdue_notices inherited",
          "[office-hours][chase]") {
  // Due Friday 27/02: working mornings 02/03 (1), 05/03 (4), 10/03 (7), 13/03 (10), 18/03 (13).
  auto defaults = load(k_plan_head + task("t", "2026-02-27"));
  const config::Chase& chase = defaults->plans[0].tasks[0].chase;
  CHECK(chase.every == 3);
  CHECK(chase.notices == 5);
  CHECK(chase.until == 20);
  CHECK(chase_lines(*defaults) == std::vector<std::string>{
                                      "t overdue-1 2026-03-02T08:00",
                                      "t overdue-2 2026-03-05T08:00",
                                      "t overdue-3 2026-03-10T08:00",
                                      "t overdue-4 2026-03-13T08:00",
                                      "t overdue-5 2026-03-18T08:00",
                                  });
  // [service] sets 2; the plan 3; a task 1.
  auto service = load(k_plan_head + task("t", "2026-02-27"), "overdue_notices = 2\n");
  CHECK(chase_lines(*service) == std::vector<std::string>{
                                     "t overdue-1 2026-03-02T08:00",
                                     "t overdue-2 2026-03-05T08:00",
                                 });
  auto plan = load(k_plan_head + "overdue_notices = 3\n" + task("t", "2026-02-27") +
                       task("u", "2026-02-27", "overdue_notices = 1\noverdue_every = \"1wd\"\n"),
                   "overdue_notices = 2\n");
  CHECK(chase_lines(*plan) == std::vector<std::string>{
                                  "t overdue-1 2026-03-02T08:00",
                                  "t overdue-2 2026-03-05T08:00",
                                  "t overdue-3 2026-03-10T08:00",
                                  "u overdue-1 2026-03-02T08:00",
                              });
  // `overdue_until` still ends the chase first.
  auto until = load(k_plan_head + task("t", "2026-02-27", "overdue_until = \"5wd\"\n"));
  CHECK(chase_lines(*until) == std::vector<std::string>{
                                   "t overdue-1 2026-03-02T08:00",
                                   "t overdue-2 2026-03-05T08:00",
                               });
}

TEST_CASE("overdue_notices is checked where it is written", "[office-hours][chase]") {
  test::TempDir dir;
  dir.write("plans/p.toml", k_plan_head + "overdue_notices = 0\n" +
                                task("t", "2026-03-06", "overdue_notices = \"5\"\n"));
  auto loaded = config::load_config(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\noverdue_notices = 101\n\n[email]\n"
                "transport = \"maildir\"\nfrom = \"V <v@example.org>\"\n\n"
                "[units.a]\nname = \"A\"\nemail = [\"a@example.org\"]\n"));
  CHECK_FALSE(loaded.config);
  std::vector<std::string> texts;
  for (const auto& d : loaded.diagnostics)
    texts.push_back(d.to_string().substr(dir.path().string().size() + 1));
  CHECK(texts == std::vector<std::string>{
                     "main.toml:3:19: error: 'overdue_notices' trong [service] phải là số "
                     "nguyên từ 1 đến 100, ví dụ 5",
                     "plans/p.toml:4:19: error: 'overdue_notices' trong [plan] phải là số "
                     "nguyên từ 1 đến 100, ví dụ 5",
                     "plans/p.toml:12:19: error: 'overdue_notices' trong [[task]] phải là số "
                     "nguyên từ 1 đến 100, ví dụ 5",
                 });
}

TEST_CASE("exact leads stay exact, outside office hours too", "[office-hours]") {
  // Due Tuesday 03/03 at 09:00: "2h" at 07:00, before send_time.
  auto c = load(k_plan_head + "overdue = false\n" +
                task("t", "2026-03-03T09:00:00", "", "[\"2h\", \"1d\"]"));
  std::vector<std::string> times;
  for (const auto& r : schedule::reminders_between(*c, vn(1, 0), vn(31, 0)))
    times.push_back(r.stage + " " + local(*c, r.at) + (r.exact ? " exact" : ""));
  CHECK(times == std::vector<std::string>{"1d 2026-03-02T08:00", "2h 2026-03-03T07:00 exact"});
  // Caught up at 07:30, it goes at once rather than at 08:00.
  auto r = caught_up(*c, vn(3, 7, 30), "t");
  CHECK(r.stage == "2h");
  CHECK(schedule::catch_up_time(*c, r, vn(3, 7, 30)) == vn(3, 7, 30));
}

TEST_CASE("a catch-up outside office hours waits for the next working morning",
          "[office-hours][catch-up]") {
  auto c = load(k_plan_head +
                // 3wd on Tuesday 03/03 08:00, due Friday 06/03.
                task("t", "2026-03-06", "", "[\"3wd\"]") +
                // 1d moved back to Friday 06/03, due Monday 09/03.
                task("mon", "2026-03-09") +
                // 1d on Monday 02/03, due Tuesday 03/03 at 07:30, before the next morning.
                task("early", "2026-03-03T07:30:00") +
                // Due Thursday 26/02: notices 27/02 (1), then 04/03 (4).
                task("late", "2026-02-26"));
  auto at = [&](SysSeconds now, const std::string& id) {
    auto t = schedule::catch_up_time(*c, caught_up(*c, now, id), now);
    return t ? local(*c, *t) : std::string("none");
  };
  // Within office hours, at once.
  CHECK(at(vn(3, 12), "t") == "2026-03-03T12:00");
  // At night and before send_time: that working morning.
  CHECK(at(vn(3, 20), "t") == "2026-03-04T08:00");
  CHECK(at(vn(4, 4, 15), "t") == "2026-03-04T08:00");
  // On a Saturday: Monday morning, still before the deadline.
  CHECK(at(vn(7, 10), "mon") == "2026-03-09T08:00");
  // The deadline would pass before the next morning: at once.
  CHECK(at(vn(2, 20), "early") == "2026-03-02T20:00");
  // An overdue notice at night waits for the morning, unless the next notice is due by then:
  // that one goes instead.
  CHECK(caught_up(*c, vn(2, 20), "late").stage == "overdue-1");
  CHECK(at(vn(2, 20), "late") == "2026-03-03T08:00");
  CHECK(at(vn(3, 20), "late") == "none");
}
