#include <catch2/catch.hpp>

#include "config/lead.hpp"
#include "config/recurrence.hpp"
#include "message/time_format.hpp"
#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"
#include "support/calendar.hpp"

using namespace deadlined;
using config::Recurrence;

namespace {

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

Recurrence recur(const char* text) {
  auto r = config::parse_recurrence(text);
  REQUIRE(r);
  return *r;
}

/// "start..end id name" of the period of `text` that holds `day`.
std::string period_at(const char* text, date::local_days day) {
  Recurrence r = recur(text);
  if (!r.from) r.from = ymd(2026, 1, 5);
  auto p = schedule::period_of(r, schedule::period_index_near(r, day));
  return date::format("%F", p.start) + ".." + date::format("%F", p.end) + " " + p.id + " " + p.name;
}

/// A config with units a and b, the Vietnamese calendar, and one empty plan.
config::Config make_config() {
  config::Config c;
  c.service.zone = date::locate_zone("Asia/Ho_Chi_Minh");
  for (const char* id : {"a", "b"}) {
    config::Unit u;
    u.id = id;
    u.name = id;
    c.units.emplace(id, u);
  }
  c.plans.emplace_back();
  c.plans[0].id = "p";
  c.plans[0].tasks.reserve(8);
  test::build_calendar(c);
  return c;
}

config::Task& add_task(config::Config& c, const std::string& id, const char* recurrence,
                       const char* rule, std::initializer_list<const char*> leads = {"0d"}) {
  config::Task t;
  t.id = id;
  t.title = "Báo cáo";
  t.responsible = {"a"};
  if (recurrence) t.recurrence = recur(recurrence);
  t.due.kind = config::DueSpec::Kind::rule;
  auto parsed = config::parse_due_rule(rule);
  REQUIRE(parsed);
  t.due.rule = *parsed;
  for (const char* lead : leads)
    t.leads.push_back(*config::parse_lead(lead));
  c.plans[0].tasks.push_back(t);
  return c.plans[0].tasks.back();
}

std::string local(const config::Config& c, config::SysSeconds t) {
  return message::iso8601(c.service.zone, t);
}

config::SysSeconds at_local(const config::Config& c, date::local_days day) {
  return c.service.zone->to_sys(day + std::chrono::hours{12});
}

}  // namespace

TEST_CASE("recur and due rules parse, and nonsense does not", "[recurrence]") {
  CHECK(recur("monthly").kind == Recurrence::Kind::monthly);
  CHECK(recur("nd09 quarterly").nd09);
  CHECK(recur("6-monthly").kind == Recurrence::Kind::half_yearly);
  CHECK(recur("9-monthly").kind == Recurrence::Kind::nine_monthly);
  CHECK(recur("every 2 weeks").every == 14);
  CHECK(recur("every 3 months").kind == Recurrence::Kind::every_months);
  for (const char* bad : {"", "fortnightly", "nd09", "nd09 every 2 weeks", "every 0 days",
                          "every two weeks", "every 2 fortnights", "monthly please"}) {
    CHECK_FALSE(config::parse_recurrence(bad));
  }
  auto day = config::parse_due_rule("day 20 of next month");
  REQUIRE(day);
  CHECK(day->month_offset == 1);
  CHECK(config::parse_due_rule("day 4 of month 11")->month == 11);
  CHECK(config::parse_due_rule("5wd after end")->offset.kind == config::Lead::Kind::working_days);
  CHECK(config::parse_due_rule("3 days after end")->offset.amount == 3);
  auto before = config::parse_due_rule("3wd before bao-cao");
  REQUIRE(before);
  CHECK(before->task == "bao-cao");
  for (const char* bad : {"", "day", "day 32", "day 0", "day 4 of month 13", "3wd after start",
                          "3wd before", "soon", "day 20 of the month after"}) {
    CHECK_FALSE(config::parse_due_rule(bad));
  }
}

TEST_CASE("periods: calendar and Decree 09/2019, with their names and keys", "[recurrence]") {
  auto d = ymd(2026, 8, 20);
  CHECK(period_at("monthly", d) == "2026-08-01..2026-08-31 2026-08 tháng 8/2026");
  // NĐ 09: the 20th of August is after the cut-off, in September's period.
  CHECK(period_at("nd09 monthly", d) == "2026-08-15..2026-09-14 2026-09 tháng 9/2026");
  CHECK(period_at("nd09 monthly", ymd(2026, 8, 14)) ==
        "2026-07-15..2026-08-14 2026-08 tháng 8/2026");
  CHECK(period_at("quarterly", d) == "2026-07-01..2026-09-30 2026-Q3 quý III/2026");
  CHECK(period_at("nd09 quarterly", d) == "2026-06-15..2026-09-14 2026-Q3 quý III/2026");
  CHECK(period_at("6-monthly", ymd(2026, 3, 1)) ==
        "2026-01-01..2026-06-30 2026-H1 6 tháng đầu năm 2026");
  CHECK(period_at("6-monthly", d) == "2026-07-01..2026-12-31 2026-H2 6 tháng cuối năm 2026");
  CHECK(period_at("nd09 6-monthly", ymd(2025, 12, 20)) ==
        "2025-12-15..2026-06-14 2026-H1 6 tháng đầu năm 2026");
  CHECK(period_at("9-monthly", d) == "2026-01-01..2026-09-30 2026-9M 9 tháng đầu năm 2026");
  CHECK(period_at("yearly", d) == "2026-01-01..2026-12-31 2026 năm 2026");
  CHECK(period_at("nd09 yearly", ymd(2026, 12, 15)) == "2026-12-15..2027-12-14 2027 năm 2027");
  CHECK(period_at("every 2 weeks", ymd(2026, 1, 20)) ==
        "2026-01-19..2026-02-01 20260119 kỳ từ 19/01/2026 đến 01/02/2026");
  CHECK(period_at("every 1 month", ymd(2026, 3, 4)) ==
        "2026-02-05..2026-03-04 20260205 kỳ từ 05/02/2026 đến 04/03/2026");
}

TEST_CASE("the NĐ 09 monthly report: due the 20th, moved off Tết and weekends", "[recurrence]") {
  config::Config c = make_config();
  c.service.vietnam_holidays = true;
  test::build_calendar(c);
  auto& task = add_task(c, "m", "nd09 monthly", "day 20");
  auto calendar = schedule::calendar_of(c);
  schedule::Occurrences occurrences(c, calendar, c.plans[0], task);
  auto feb = occurrences.first_due_from(at_local(c, ymd(2026, 2, 1)));
  REQUIRE(feb);
  CHECK(feb->name == "tháng 2/2026");
  // 20/02/2026 is mùng 4 Tết: the deadline is the next working day, Monday 23/02.
  CHECK(local(c, feb->due) == "2026-02-23T17:00:00+07:00");
  auto mar = occurrences.at(feb->index + 1);
  REQUIRE(mar);
  CHECK(mar->id == "2026-03");
  CHECK(local(c, mar->due) == "2026-03-20T17:00:00+07:00");
  // Searching from just after a deadline finds the next occurrence.
  CHECK(occurrences.first_due_from(feb->due + std::chrono::seconds{1})->id == "2026-03");
  CHECK(occurrences.first_due_from(feb->due)->id == "2026-02");
}

TEST_CASE("from and until bound the occurrences", "[recurrence]") {
  config::Config c = make_config();
  auto& task = add_task(c, "y", "yearly", "day 4 of month 11");
  task.recurrence.from = ymd(2020, 1, 1);
  task.recurrence.until = ymd(2022, 12, 31);
  auto calendar = schedule::calendar_of(c);
  schedule::Occurrences occurrences(c, calendar, c.plans[0], task);
  CHECK(occurrences.first_due_from(at_local(c, ymd(2000, 1, 1)))->id == "2020");
  CHECK(occurrences.first_due_from(at_local(c, ymd(2022, 6, 1)))->id == "2022");
  CHECK_FALSE(occurrences.first_due_from(at_local(c, ymd(2023, 1, 1))));
}

TEST_CASE("a task due before another takes its occurrences and counts working days back",
          "[recurrence]") {
  config::Config c = make_config();
  c.service.vietnam_holidays = true;
  test::build_calendar(c);
  add_task(c, "quy", "quarterly", "day 20 of next month");
  auto& inputs = add_task(c, "so-lieu", nullptr, "3wd before quy");
  auto calendar = schedule::calendar_of(c);
  schedule::Occurrences occurrences(c, calendar, c.plans[0], inputs);
  CHECK(occurrences.recurring());
  auto q1 = occurrences.first_due_from(at_local(c, ymd(2026, 4, 1)));
  REQUIRE(q1);
  CHECK(q1->id == "2026-Q1");
  CHECK(q1->name == "quý I/2026");
  // Quý I is due Monday 20/04/2026; three working days before: 15/04 (Wednesday).
  CHECK(local(c, q1->due) == "2026-04-15T17:00:00+07:00");
  // Quý IV/2026 is due Wednesday 20/01/2027; three working days before: Friday 15/01.
  auto q4 = occurrences.at(q1->index + 3);
  REQUIRE(q4);
  CHECK(q4->id == "2026-Q4");
  CHECK(local(c, q4->due) == "2027-01-15T17:00:00+07:00");
}

TEST_CASE("the agenda holds the occurrence under way of a recurring task and the next one pending",
          "[recurrence]") {
  config::Config c = make_config();
  add_task(c, "m", "monthly", "day 20", {"3wd", "0d"});
  auto now = at_local(c, ymd(2026, 8, 18));  // between the 3wd (17/08) and 0d (20/08) stages
  auto agenda = schedule::agenda_at(c, now, std::chrono::seconds{60});
  REQUIRE(agenda.catch_up.size() == 1);
  CHECK(agenda.catch_up[0].key() == "p.m.2026-08.3wd.a");
  CHECK(agenda.catch_up[0].occurrence_name == "tháng 8/2026");
  // August's due morning is still to come; September waits for its first stage.
  auto keys = [](const std::vector<schedule::Reminder>& reminders) {
    std::vector<std::string> out;
    for (const auto& r : reminders)
      out.push_back(r.key());
    return out;
  };
  CHECK(keys(agenda.upcoming) == std::vector<std::string>{"p.m.2026-08.0d.a"});
  REQUIRE(agenda.later.size() == 1);
  CHECK(agenda.later[0].task->id == "m");
  // 20/09/2026 is a Sunday: due Monday 21/09, three working days before: Wednesday 16/09.
  CHECK(local(c, agenda.later[0].at) == "2026-09-16T08:00:00+07:00");
  auto september = schedule::reminders_of(c, agenda.later[0]);
  CHECK(keys(september) == std::vector<std::string>{"p.m.2026-09.3wd.a", "p.m.2026-09.0d.a"});
  REQUIRE(!september.empty());
  CHECK(september.front().at == agenda.later[0].at);
  // When September's first stage comes, September is computed, then October waits.
  auto next = schedule::agenda_of(c, agenda.later[0]);
  CHECK(next.catch_up.empty());
  CHECK(keys(next.upcoming) == keys(september));
  REQUIRE(next.later.size() == 1);
  CHECK(next.later[0].index == agenda.later[0].index + 1);
  CHECK(local(c, next.later[0].at) == "2026-10-15T08:00:00+07:00");
}
