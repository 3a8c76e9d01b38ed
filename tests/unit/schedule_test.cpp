#include <catch2/catch.hpp>

#include <algorithm>

#include "config/lead.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"
#include "support/calendar.hpp"

using namespace deadlined;
using config::Config;
using config::DueSpec;

namespace {

/// A config built in memory: units vp (the monitor), a and b; one plan with no tasks yet.
Config make_config(const std::string& zone = "Asia/Ho_Chi_Minh") {
  Config c;
  c.service.timezone = zone;
  c.service.zone = date::locate_zone(zone);
  c.service.monitor = "vp";
  for (const char* id : {"vp", "a", "b"}) {
    config::Unit u;
    u.id = id;
    u.name = std::string("Đơn vị ") + id;
    u.emails = {std::string(id) + "@example.org"};
    c.units.emplace(id, u);
  }
  config::Plan plan;
  plan.id = "p";
  plan.title = "Kế hoạch";
  c.plans.push_back(plan);
  c.plans[0].tasks.reserve(16);  // add_task hands out references that must stay valid
  test::build_calendar(c);
  return c;
}

std::vector<config::Lead> leads(std::initializer_list<const char*> texts) {
  std::vector<config::Lead> out;
  for (const char* t : texts)
    out.push_back(*config::parse_lead(t));
  return out;
}

config::Task& add_task(Config& c, const std::string& id, DueSpec due,
                       std::initializer_list<const char*> lead_texts,
                       std::vector<std::string> responsible = {"a"}) {
  config::Task t;
  t.id = id;
  t.title = "Nhiệm vụ " + id;
  t.responsible = std::move(responsible);
  t.due = due;
  t.leads = leads(lead_texts);
  c.plans[0].tasks.push_back(t);
  return c.plans[0].tasks.back();
}

DueSpec on_date(date::year_month_day day, DueSpec::Kind kind = DueSpec::Kind::date) {
  DueSpec d;
  d.kind = kind;
  d.day = date::local_days{day};
  return d;
}

/// The reminder times as ISO 8601 in the config's zone, with their stage.
std::vector<std::string> times(const Config& c, const std::vector<schedule::Reminder>& reminders) {
  std::vector<std::string> out;
  for (const auto& r : reminders) {
    out.push_back(message::iso8601(c.service.zone, r.at) + " " + r.stage + " " + r.unit->id);
  }
  return out;
}

date::sys_seconds utc(int y, unsigned m, unsigned d, int hh, int mm = 0) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours{hh} +
         std::chrono::minutes{mm};
}

/// Every reminder of the config's (one-off) tasks.
std::vector<schedule::Reminder> all_reminders(const Config& c) {
  return schedule::reminders_between(c, utc(1990, 1, 1, 0), utc(2100, 1, 1, 0));
}

}  // namespace

TEST_CASE("'before' ends at day_end of the last working day before the date", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // 04/11/2020 is a Wednesday; 09/11/2020 a Monday, so "before" it is Friday 06/11.
  auto& wed = add_task(c, "wed", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {});
  auto& mon = add_task(c, "mon", on_date(2020_y / 11 / 9, DueSpec::Kind::before), {});
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, wed)) ==
        "2020-11-03T17:00:00+07:00");
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, mon)) ==
        "2020-11-06T17:00:00+07:00");
  c.service.day_end = std::chrono::minutes{16 * 60 + 30};
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, wed)) ==
        "2020-11-03T16:30:00+07:00");
}

TEST_CASE("lead kinds: calendar days, working days, the due morning", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  add_task(c, "t", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {"7d", "3wd", "1d", "0d"});
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2020-10-27T08:00:00+07:00 7d a",
                                          "2020-10-29T08:00:00+07:00 3wd a",
                                          "2020-11-02T08:00:00+07:00 1d a",
                                          "2020-11-03T08:00:00+07:00 0d a",
                                      });
}

TEST_CASE("reminders that would fall on a weekend move to the previous working day", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // Due Monday 09/11/2020: 1d is Sunday -> Friday 06/11; 2d is Saturday -> Friday too, and
  // two stages on one instant are sent once (the first listed).
  add_task(c, "t", on_date(2020_y / 11 / 9), {"2d", "1d", "0d"});
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2020-11-06T08:00:00+07:00 2d a",
                                          "2020-11-09T08:00:00+07:00 0d a",
                                      });
  c.service.workdays = {false, true, true, true, true, true, true};  // Saturdays worked
  test::build_calendar(c);
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2020-11-07T08:00:00+07:00 2d a",
                                          "2020-11-09T08:00:00+07:00 0d a",
                                      });
}

TEST_CASE("a longer lead never goes out after a shorter one, around Tết too", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // Tết 2027 (mùng 1 on Saturday 06/02) keeps 04-10/02 off by the fallback. Due Thursday
  // 11/02: 3wd is Monday 01/02, while 7d (04/02) moves back to Wednesday 03/02, after it.
  // It goes with 3wd, on one instant: sent once, as the first listed.
  add_task(c, "t", on_date(2027_y / 2 / 11), {"7d", "3wd", "1d"});
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2027-02-01T08:00:00+07:00 7d a",
                                          "2027-02-03T08:00:00+07:00 1d a",
                                      });
  // Every due day of the first quarter: the stages go out in the order of their leads.
  for (auto day = date::local_days{2027_y / 1 / 1}; day < date::local_days{2027_y / 4 / 1};
       day += date::days{1}) {
    Config each = make_config();
    add_task(each, "t", on_date(date::year_month_day{day}), {"14d", "7d", "3wd", "1d", "2h"});
    auto rs = all_reminders(each);
    const std::vector<std::string> order = {"14d", "7d", "3wd", "1d", "2h"};
    std::vector<std::size_t> ranks;
    for (const auto& r : rs)
      ranks.push_back(
          static_cast<std::size_t>(std::find(order.begin(), order.end(), r.stage) - order.begin()));
    INFO(date::format("%F", day));
    CHECK(std::is_sorted(ranks.begin(), ranks.end()));
  }
}

TEST_CASE("working days count only working days strictly before the due day", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // Due Saturday 07/11/2020, kept on that day: 1wd is Friday, 5wd is Monday 02/11.
  add_task(c, "t", on_date(2020_y / 11 / 7), {"5wd", "1wd"}).move_off_non_working_day = false;
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2020-11-02T08:00:00+07:00 5wd a",
                                          "2020-11-06T08:00:00+07:00 1wd a",
                                      });
}

TEST_CASE("exact offsets count back from the due instant, stages after it are dropped",
          "[schedule]") {
  Config c = make_config();
  DueSpec offset;
  offset.kind = DueSpec::Kind::offset_datetime;
  offset.instant = utc(2020, 11, 3, 3);  // 10:00 at +07:00
  add_task(c, "exact", offset, {"2h", "90m", "45s", "0d"});
  DueSpec early;
  early.kind = DueSpec::Kind::local_datetime;
  early.local_time = date::local_days{date::year{2020} / 11 / 5} + std::chrono::hours{7};
  add_task(c, "early", early, {"0d", "30m"});
  // 0d falls on the same instant as 2h (listed first): one reminder.
  CHECK(times(c, all_reminders(c)) == std::vector<std::string>{
                                          "2020-11-03T08:00:00+07:00 2h a",
                                          "2020-11-03T08:30:00+07:00 90m a",
                                          "2020-11-03T09:59:15+07:00 45s a",
                                          "2020-11-05T06:30:00+07:00 30m a",
                                      });
}

TEST_CASE("local times follow the configured zone, daylight saving included", "[schedule]") {
  Config c = make_config("Europe/Berlin");
  using namespace date::literals;
  // Berlin leaves summer time on 25/10/2020: 7d before 30/10 is 23/10 at 08:00 +02:00,
  // the due morning 08:00 +01:00.
  add_task(c, "t", on_date(2020_y / 10 / 30), {"7d", "0d"});
  auto all = all_reminders(c);
  REQUIRE(all.size() == 2);
  CHECK(all[0].at == utc(2020, 10, 23, 6));
  CHECK(all[1].at == utc(2020, 10, 30, 7));
  CHECK(all[1].due == utc(2020, 10, 30, 16));
}

TEST_CASE("responsible and coordinating units each get reminders, keyed and ordered",
          "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  auto& t = add_task(c, "t", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {"1d"}, {"b", "a"});
  t.coordinating = {"vp", "a"};  // a is already responsible: reminded once, as responsible
  auto all = all_reminders(c);
  REQUIRE(all.size() == 3);
  CHECK(all[0].key() == "p.t.20201103.1d.a");
  CHECK(all[0].role == schedule::Role::responsible);
  CHECK(all[1].key() == "p.t.20201103.1d.b");
  CHECK(all[2].key() == "p.t.20201103.1d.vp");
  CHECK(all[2].role == schedule::Role::coordinating);
  auto window = schedule::reminders_between(c, utc(2020, 11, 2, 1), utc(2020, 11, 2, 2));
  CHECK(window.size() == 3);
  CHECK(schedule::reminders_between(c, utc(2020, 11, 2, 1, 1), utc(2020, 11, 3, 0)).empty());
}

TEST_CASE("on (re)load only the latest missed stage before the deadline is caught up",
          "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  add_task(c, "t", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {"7d", "3wd", "1d", "0d"});
  add_task(c, "over", on_date(2020_y / 10 / 30), {"1d"});

  // Saturday 31/10 noon: 7d and 3wd of "t" have passed, "over" is past its deadline.
  auto agenda = schedule::agenda_at(c, utc(2020, 10, 31, 5), std::chrono::seconds{60});
  REQUIRE(agenda.catch_up.size() == 1);
  CHECK(agenda.catch_up[0].stage == "3wd");
  CHECK(agenda.catch_up[0].late);
  CHECK(times(c, agenda.upcoming) == std::vector<std::string>{
                                         "2020-11-02T08:00:00+07:00 1d a",
                                         "2020-11-03T08:00:00+07:00 0d a",
                                     });
  // Within the grace period a just-passed stage is not marked late.
  auto just = schedule::agenda_at(c, utc(2020, 11, 2, 1) + std::chrono::seconds{30},
                                  std::chrono::seconds{60});
  REQUIRE(just.catch_up.size() == 1);
  CHECK(just.catch_up[0].stage == "1d");
  CHECK_FALSE(just.catch_up[0].late);
  // After the deadline nothing is caught up (overdue handling is a separate rule).
  CHECK(schedule::agenda_at(c, utc(2020, 11, 3, 11), std::chrono::seconds{60}).catch_up.empty());
}

TEST_CASE("after the deadline, the latest stage stays a candidate until give_up_after",
          "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  add_task(c, "t", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {"3wd", "1d"});
  // Deadline 03/11 17:00 +07 (10:00Z); give_up_after defaults to one day.
  auto after = schedule::agenda_at(c, utc(2020, 11, 3, 12), std::chrono::seconds{60});
  CHECK(after.catch_up.empty());
  REQUIRE(after.past_deadline.size() == 1);
  CHECK(after.past_deadline[0].stage == "1d");
  CHECK(after.past_deadline[0].late);
  CHECK(
      schedule::agenda_at(c, utc(2020, 11, 4, 11), std::chrono::seconds{60}).past_deadline.empty());
  c.service.give_up_after = std::chrono::hours{48};
  CHECK(
      schedule::agenda_at(c, utc(2020, 11, 4, 11), std::chrono::seconds{60}).past_deadline.size() ==
      1);
}

TEST_CASE("a date deadline on a non-working day ends on the next working day", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // Saturday 07/11/2020 -> Monday 09/11 at day_end (Civil Code 2015 Art. 148(5)).
  auto& weekend = add_task(c, "weekend", on_date(2020_y / 11 / 7), {"1wd"});
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, weekend)) ==
        "2020-11-09T17:00:00+07:00");
  // Tết 2026 (16-20/02): a deadline on mùng 1, 17/02, moves to Monday 23/02.
  auto& tet = add_task(c, "tet", on_date(2026_y / 2 / 17), {"1wd"});
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, tet)) ==
        "2026-02-23T17:00:00+07:00");
  auto all = all_reminders(c);
  REQUIRE(all.size() == 2);
  CHECK(all[1].key() == "p.tet.20260223.1wd.a");
  CHECK(message::iso8601(c.service.zone, all[1].at) == "2026-02-13T08:00:00+07:00");
  // The task may keep its day; without holiday rules only the weekend counts.
  tet.move_off_non_working_day = false;
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, tet)) ==
        "2026-02-17T17:00:00+07:00");
  c.service.vietnam_holidays = false;
  test::build_calendar(c);
  tet.move_off_non_working_day = true;
  CHECK(message::iso8601(c.service.zone, schedule::deadline_of(c, tet)) ==
        "2026-02-17T17:00:00+07:00");
}

TEST_CASE("a deadline whose first reminder is to come is held as one pending entry", "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  add_task(c, "t", on_date(2020_y / 11 / 4, DueSpec::Kind::before), {"7d", "3wd", "1d", "0d"},
           {"a", "b"});
  add_task(c, "u", on_date(2020_y / 12 / 1), {"1d"});

  // 01/10/2020: nothing has begun; each task is one pending entry at its first stage.
  auto agenda = schedule::agenda_at(c, utc(2020, 10, 1, 0), std::chrono::seconds{60});
  CHECK(agenda.upcoming.empty());
  CHECK(agenda.catch_up.empty());
  REQUIRE(agenda.later.size() == 2);
  CHECK(agenda.later[0].task->id == "t");
  CHECK(agenda.later[1].task->id == "u");
  // Due Tuesday 03/11 (the last working day before 04/11); 7d before is Tuesday 27/10.
  CHECK(message::iso8601(c.service.zone, agenda.later[0].at) == "2020-10-27T08:00:00+07:00");
  // Its reminders, computed when that instant comes, are those the whole window lists.
  auto pending = schedule::reminders_of(c, agenda.later[0]);
  auto listed = schedule::reminders_between(c, utc(2020, 10, 1, 0), utc(2020, 11, 4, 0));
  std::vector<std::string> pending_keys, listed_keys;
  for (const auto& r : pending)
    pending_keys.push_back(r.key());
  for (const auto& r : listed)
    listed_keys.push_back(r.key());
  CHECK(pending_keys == listed_keys);
  CHECK(pending.size() == 8);
  CHECK(pending.front().at == agenda.later[0].at);

  // When that instant comes, all of them are upcoming, the first due at once.
  auto now = schedule::agenda_of(c, agenda.later[0]);
  CHECK(now.catch_up.empty());
  REQUIRE(now.upcoming.size() == 8);
  CHECK(now.upcoming[0].stage == "7d");
  CHECK(now.upcoming[0].at == agenda.later[0].at);
  CHECK(now.later.empty());  // a one-off task has no occurrence after it
}

TEST_CASE("a stage at the deadline itself is sent when its occurrence is computed", "[schedule]") {
  Config c = make_config("UTC");
  DueSpec due;
  due.kind = DueSpec::Kind::offset_datetime;
  due.instant = utc(2020, 11, 3, 10);
  add_task(c, "t", due, {"0s"});
  auto agenda = schedule::agenda_at(c, utc(2020, 11, 1, 0), std::chrono::seconds{60});
  REQUIRE(agenda.later.size() == 1);
  CHECK(agenda.later[0].at == utc(2020, 11, 3, 10));
  // Its one stage is at the deadline: computed then, it is still to send, not past.
  auto then = schedule::agenda_of(c, agenda.later[0]);
  REQUIRE(then.upcoming.size() == 1);
  CHECK(then.upcoming[0].at == utc(2020, 11, 3, 10));
  CHECK(then.past_deadline.empty());
}

TEST_CASE("an agenda built a share of plans per core is in config order, with nothing lost",
          "[schedule]") {
  Config c = make_config();
  using namespace date::literals;
  // Twelve plans of five tasks: tasks 0-2 of each share their first stage (ties across
  // plans), tasks 3-4 have begun by `now` (upcoming reminders).
  c.plans.clear();
  c.plans.reserve(12);
  for (int p = 0; p < 12; ++p) {
    config::Plan plan;
    plan.id = "p" + std::to_string(p);
    plan.title = "Kế hoạch " + plan.id;
    plan.tasks.reserve(5);
    for (int t = 0; t < 5; ++t) {
      config::Task task;
      task.id = "t" + std::to_string(t);
      task.title = "Nhiệm vụ";
      task.responsible = {"a"};
      task.due = on_date(t < 3 ? 2020_y / 12 / 1 : 2020_y / 10 / 6);
      task.leads = leads({"7d", "1d"});
      plan.tasks.push_back(task);
    }
    c.plans.push_back(plan);
  }
  auto agenda = schedule::agenda_at(c, utc(2020, 10, 1, 0), std::chrono::seconds{60});
  REQUIRE(agenda.later.size() == 36);
  for (std::size_t i = 0; i < agenda.later.size(); ++i) {
    CHECK(agenda.later[i].plan == &c.plans[i / 3]);
    CHECK(agenda.later[i].task == &c.plans[i / 3].tasks[i % 3]);
  }
  // Two stages (7d on 29/09 has passed: caught up; 1d on 05/10 upcoming) per begun task.
  CHECK(agenda.upcoming.size() == 24);
  CHECK(agenda.catch_up.size() == 24);
  for (std::size_t i = 1; i < agenda.upcoming.size(); ++i) {
    const auto& a = agenda.upcoming[i - 1];
    const auto& b = agenda.upcoming[i];
    CHECK(std::tie(a.at, a.plan->id, a.task->id) <= std::tie(b.at, b.plan->id, b.task->id));
  }
}
