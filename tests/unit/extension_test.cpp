// Extensions (gia hạn): the trail folded into deadlines in force, the schedule of an
// extended part, its messages, the digest, the report and the desk.
#include <catch2/catch.hpp>

#include <algorithm>

#include "http/desk.hpp"
#include "journal/journal.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "report/statistics.hpp"
#include "schedule/extension.hpp"
#include "schedule/schedule.hpp"
#include "scheduler/digest.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using schedule::ExtensionEvent;
using schedule::SysSeconds;

namespace {

using Action = ExtensionEvent::Action;

/// Task t of plan p: a and b responsible, due Thursday 10/12/2026 (17:00), leads 3wd and 0d,
/// chased. Asia/Ho_Chi_Minh is UTC+7.
std::shared_ptr<const config::Config> load() {
  static test::TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo kết quả\"\nresponsible = [\"a\", \"b\"]\ndue = 2026-12-10\n"
            "leads = [\"3wd\", \"0d\"]\n");
  return test::load_or_fail(
      dir.write("main.toml", std::string("[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n"
                                         "overdue = true\n\n[email]\ntransport = \"maildir\"\n"
                                         "from = \"Văn phòng <vp@example.org>\"\n\n") +
                                 test::k_units_vp_a_b));
}

SysSeconds at(int month, int day, int hour, int minute = 0) {
  return date::sys_days{date::year{2026} / month / day} + std::chrono::hours{hour - 7} +
         std::chrono::minutes{minute};
}

ids::AssignmentId part(const std::string& unit) {
  return {"p", "t", "20261210", unit};
}

/// a asks for 17/12 and is granted 18/12 on 16/12 at 09:00; b asks and is refused; entries
/// of a unit the config does not know, and an approval not after the deadline, are left out.
std::vector<ExtensionEvent> trail() {
  return {
      {1, part("a"), Action::request, "2026-12-17", "Chờ số liệu của Cục Thống kê", at(12, 8, 9),
       "link"},
      {2, part("b"), Action::request, "2026-12-15", "Thiếu nhân lực", at(12, 8, 10), "link"},
      {3, part("z"), Action::approve, "2026-12-20", "", at(12, 9, 9), "office:vp"},
      {4, part("b"), Action::approve, "2026-12-09", "", at(12, 9, 9), "office:vp"},
      {5, part("b"), Action::refuse, "", "Đề nghị hoàn thành đúng hạn", at(12, 9, 10), "office:vp"},
      {6, part("a"), Action::approve, "2026-12-18", "Đồng ý", at(12, 16, 9), "office:vp"},
  };
}

std::vector<std::string> lines(const config::Config& c, const std::vector<schedule::Reminder>& rs,
                               const std::string& unit) {
  std::vector<std::string> out;
  for (const auto& r : rs) {
    if (r.unit->id != unit) continue;
    out.push_back(message::iso8601(c.service.zone, r.at).substr(0, 16) + " " + r.stage);
  }
  return out;
}

}  // namespace

TEST_CASE("the trail folds into deadlines in force, requests waiting and decisions",
          "[extension]") {
  auto c = load();
  schedule::Extensions x(*c, trail());
  const schedule::Extension* a = x.find(part("a"));
  REQUIRE(a);
  CHECK(a->until == date::local_days{date::year{2026} / 12 / 18});
  CHECK(a->due == at(12, 18, 17));
  CHECK(a->original_due == at(12, 10, 17));
  CHECK(a->granted == at(12, 16, 9));
  CHECK(x.find(part("b")) == nullptr);
  CHECK(x.deadline(part("b"), at(12, 10, 17)) == at(12, 10, 17));
  CHECK(x.latest_deadline("p", "t", "20261210", at(12, 10, 17)) == at(12, 18, 17));
  CHECK(x.reach() == std::chrono::hours{24 * 8});
  CHECK(x.pending().empty());
  REQUIRE(x.decisions().size() == 2);
  CHECK(x.decisions()[0].target == part("b"));
  CHECK_FALSE(x.decisions()[0].approved);
  CHECK(x.decisions()[0].asked == date::local_days{date::year{2026} / 12 / 15});
  CHECK(x.decisions()[1].approved);
  CHECK(x.decisions()[1].asked == date::local_days{date::year{2026} / 12 / 17});

  // A new request after a refusal waits again.
  auto more = trail();
  more.push_back({7, part("b"), Action::request, "2026-12-14", "Lần 2", at(12, 11, 9), "link"});
  schedule::Extensions y(*c, more);
  REQUIRE(y.pending_of(part("b")));
  CHECK(y.pending_of(part("b"))->reason == "Lần 2");
  CHECK(y.pending_of(part("a")) == nullptr);
}

TEST_CASE("an extended part is scheduled on its new deadline, keyed apart, from its approval",
          "[extension]") {
  auto c = load();
  schedule::Extensions x(*c, trail());
  auto with = schedule::reminders_between(*c, at(12, 1, 0), at(12, 23, 0), x);
  // b keeps the occurrence's own deadline: 3wd on Monday 7/12, 0d on the day, then overdue
  // notices on working mornings (and the refusal's notice, sent at once).
  CHECK(lines(*c, with, "b") == std::vector<std::string>{
                                    "2026-12-07T08:00 3wd",
                                    "2026-12-09T10:00 extension-5",
                                    "2026-12-10T08:00 0d",
                                    "2026-12-11T08:00 overdue-1",
                                    "2026-12-16T08:00 overdue-2",
                                    "2026-12-21T08:00 overdue-3",
                                });
  // a: the notice of the approval at once; its 3wd of the new deadline (15/12) came before
  // the approval and is not sent; nothing of the old deadline is left.
  CHECK(lines(*c, with, "a") == std::vector<std::string>{
                                    "2026-12-16T09:00 extension-6",
                                    "2026-12-18T08:00 gh20261218-0d",
                                    "2026-12-21T08:00 gh20261218-overdue-1",
                                });
  auto without = schedule::reminders_between(*c, at(12, 1, 0), at(12, 23, 0));
  CHECK(lines(*c, without, "a").front() == "2026-12-07T08:00 3wd");

  for (const auto& r : with) {
    if (r.unit->id != "a" || r.kind == schedule::Reminder::Kind::extension) continue;
    CHECK(r.due == at(12, 18, 17));
    CHECK(r.original_due == at(12, 10, 17));
  }

  // At a (re)load just after the approval, the notice is the one thing to catch up for a.
  auto agenda = schedule::agenda_at(*c, at(12, 16, 9, 1), std::chrono::seconds{60}, x);
  auto caught = lines(*c, agenda.catch_up, "a");
  CHECK(caught == std::vector<std::string>{"2026-12-16T09:00 extension-6"});
  CHECK(lines(*c, agenda.upcoming, "a") == std::vector<std::string>{
                                               "2026-12-18T08:00 gh20261218-0d",
                                               "2026-12-21T08:00 gh20261218-overdue-1",
                                               "2026-12-24T08:00 gh20261218-overdue-2",
                                               "2026-12-29T08:00 gh20261218-overdue-3",
                                               "2027-01-04T08:00 gh20261218-overdue-4",
                                               "2027-01-07T08:00 gh20261218-overdue-5",
                                           });
}

TEST_CASE("an extended part's messages give the new deadline and recall the old one",
          "[extension]") {
  auto c = load();
  schedule::Extensions x(*c, trail());
  auto rs = schedule::reminders_between(*c, at(12, 16, 0), at(12, 19, 0), x);
  auto find = [&](const std::string& stage) {
    auto it = std::find_if(rs.begin(), rs.end(), [&](const auto& r) { return r.stage == stage; });
    REQUIRE(it != rs.end());
    return *it;
  };
  auto zero = find("gh20261218-0d");
  std::string text = message::text_of(*c, zero, zero.at);
  CHECK_THAT(text, Catch::Contains("trước 17:00 ngày 18/12/2026 (đã được gia hạn; thời hạn ban "
                                   "đầu: trước 17:00 ngày 10/12/2026)"));
  CHECK(message::stage_label(zero) == "ngày đến hạn (theo thời hạn đã gia hạn)");
  CHECK(message::stage_label(*c, "gh20261218-overdue-2") ==
        "nhắc quá hạn lần 2 (theo thời hạn gia hạn đến ngày 18/12/2026)");
  CHECK(message::stage_label(*c, "extension-6") == "thông báo kết quả xử lý đề nghị gia hạn");
  CHECK(schedule::split_stage("ghost-3wd").stage == "ghost-3wd");
  CHECK_FALSE(schedule::split_stage("gh2026121x-3wd").extended_until);

  auto notice = find("extension-6");
  CHECK(message::subject_of(*c, notice, notice.at) ==
        "Đồng ý gia hạn: Báo cáo kết quả (hạn mới 17:00 ngày 18/12/2026)");
  std::string body = message::text_of(*c, notice, notice.at);
  CHECK_THAT(body, Catch::Contains("Văn phòng đồng ý gia hạn thời hạn thực hiện nhiệm vụ (đề nghị "
                                   "gia hạn đến ngày 17/12/2026) của Phòng A đến trước 17:00 ngày "
                                   "18/12/2026 (thời hạn ban đầu: trước 17:00 ngày 10/12/2026)."));
  CHECK_THAT(body, Catch::Contains("Ý kiến của Văn phòng: Đồng ý"));

  auto early = schedule::reminders_between(*c, at(12, 9, 0), at(12, 10, 0), x);
  auto refused = std::find_if(early.begin(), early.end(),
                              [](const auto& r) { return r.stage == "extension-5"; });
  REQUIRE(refused != early.end());
  CHECK(message::subject_of(*c, *refused, refused->at) ==
        "Không chấp thuận gia hạn: Báo cáo kết quả (hạn 17:00 ngày 10/12/2026)");
  CHECK_THAT(message::text_of(*c, *refused, refused->at),
             Catch::Contains("Văn phòng không chấp thuận đề nghị gia hạn (đề nghị gia hạn đến "
                             "ngày 15/12/2026) của Phòng B. Thời hạn thực hiện nhiệm vụ vẫn là "
                             "trước 17:00 ngày 10/12/2026."));
}

TEST_CASE("a new deadline must be a working day after the one in force", "[extension]") {
  auto c = load();
  auto day = [](int d) { return date::local_days{date::year{2026} / 12 / d}; };
  CHECK_THAT(schedule::extension_problem(*c, at(12, 10, 17), day(10)),
             Catch::Contains("phải sau ngày của thời hạn hiện tại (10/12/2026)"));
  CHECK_THAT(schedule::extension_problem(*c, at(12, 10, 17), day(12)),
             Catch::Contains("ngày 12/12/2026 là ngày nghỉ"));
  CHECK(schedule::extension_problem(*c, at(12, 10, 17), day(11)).empty());
  CHECK_FALSE(schedule::parse_iso_day("2026-02-30"));
}

TEST_CASE("the digest, the report and the desk judge a unit by its deadline in force",
          "[extension]") {
  auto c = load();
  schedule::Extensions x(*c, trail());
  const SysSeconds now = at(12, 14, 9);  // Monday: past 10/12, before 18/12
  auto none = [](const ids::AssignmentId&) { return std::optional<journal::Confirmation>{}; };
  auto items = scheduler::digest_items(*c, now, x, none);
  REQUIRE(items.size() == 1);
  auto out = message::digest(*c, *c->find_unit("vp"), items, now);
  REQUIRE(!out.empty());
  CHECK_THAT(out.front().subject,
             Catch::Contains("1 lượt đơn vị quá hạn, 1 lượt đơn vị đang thực hiện"));
  CHECK_THAT(out.front().text, Catch::Contains("Quá hạn 2 ngày làm việc: Phòng B\n"));
  CHECK_THAT(out.front().text,
             Catch::Contains("Chưa hoàn thành (còn hạn): Phòng A (được gia hạn đến ngày "
                             "18/12/2026)"));

  report::Query q;
  q.from = at(12, 1, 0);
  q.to = at(12, 31, 0);
  q.now = now;
  q.done_at = [](const ids::AssignmentId&) { return std::optional<report::SysSeconds>{}; };
  report::judge_by(q, x);
  auto r = report::compute(*c, q);
  CHECK(r.total.open == 1);
  CHECK(r.total.overdue == 1);
  // An extension past the window takes its part out of the window.
  q.to = at(12, 15, 0);
  CHECK(report::compute(*c, q).total.assigned == 1);

  auto pending = trail();
  pending.push_back({7, part("b"), Action::request, "2026-12-14", "Lần 2", at(12, 11, 9), "link"});
  schedule::Extensions y(*c, pending);
  std::string desk =
      http::desk_html(*c, {}, y, http::desk_filter(""), now, http::DeskForms{"token", ""});
  CHECK_THAT(desk, Catch::Contains("Được gia hạn đến 17:00 18/12/2026 (thời hạn ban đầu 17:00 "
                                   "10/12/2026)"));
  CHECK_THAT(desk, Catch::Contains("Đề nghị gia hạn chờ xử lý (1)"));
  CHECK_THAT(desk, Catch::Contains("Xử lý đề nghị gia hạn"));
  CHECK_THAT(desk, Catch::Contains("value=\"2026-12-14\""));
  // a is open on its new deadline, b overdue on the old one.
  CHECK_THAT(desk, Catch::Contains("Đang thực hiện, còn 4 ngày làm việc"));
  CHECK_THAT(desk, Catch::Contains("Quá hạn 2 ngày làm việc"));
}

TEST_CASE("the journal keeps the trail of extensions across a reopening", "[extension][journal]") {
  test::TempDir dir;
  const auto path = dir.path() / "journal.sqlite";
  {
    journal::Journal j(path);
    CHECK(j.extensions_version() == 0);
    journal::ExtensionEntry e;
    e.target = part("a");
    e.until = "2026-12-17";
    e.note = "Chờ số liệu";
    e.at = at(12, 8, 9);
    e.actor = "link";
    e.origin = "192.0.2.7";
    CHECK(j.record_extension(e) == 1);
    e.action = journal::ExtensionEntry::Action::approve;
    e.actor = "office:vp";
    CHECK(j.record_extension(e) == 2);
  }
  journal::Journal j(path, journal::JournalOptions{std::chrono::seconds{1}, true});
  CHECK(j.extensions_version() == 2);
  auto all = j.extension_entries();
  REQUIRE(all.size() == 2);
  CHECK(all[0].action == journal::ExtensionEntry::Action::request);
  CHECK(all[0].note == "Chờ số liệu");
  CHECK(all[0].origin == "192.0.2.7");
  CHECK(all[1].action == journal::ExtensionEntry::Action::approve);
  CHECK(all[1].actor == "office:vp");
  CHECK(j.extension_history(part("a")).size() == 2);
  CHECK(j.extension_history(part("b")).empty());
}
