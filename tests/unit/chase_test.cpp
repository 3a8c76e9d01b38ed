#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

/// Loads a config whose plan file is `plan` (units a, b, the Office vp and leadership ld).
std::shared_ptr<const config::Config> load(const std::string& plan,
                                           const std::string& service_extra = "") {
  static test::TempDir dir;
  dir.write("plans/p.toml", plan);
  auto loaded = config::load_config(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n" + service_extra +
                    "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n"
                    "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n"
                    "[units.ld]\nname = \"Lãnh đạo Sở\"\nemail = [\"ld@example.org\"]\n"
                    "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n"
                    "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"));
  for (const auto& d : loaded.diagnostics)
    UNSCOPED_INFO(d.to_string());
  REQUIRE(loaded.config);
  return loaded.config;
}

const std::string k_plan =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\nescalate_to = [\"ld\"]\n"
    "escalate_after = \"5wd\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\ncoordinating = [\"b\"]\n"
    // Thursday 12/02/2026, the last working day before Tết 2026 (16-20/02 and weekends).
    "due = 2026-02-12\nleads = [\"1d\"]\n";

/// "local time kind stage to" of each reminder between the dates.
std::vector<std::string> lines(const config::Config& c, int from_day, int to_day) {
  auto from = date::sys_days{date::year{2026} / 2 / from_day} - std::chrono::hours{7};
  auto to = date::sys_days{date::year{2026} / 3 / to_day} - std::chrono::hours{7};
  std::vector<std::string> out;
  for (const auto& r : schedule::reminders_between(c, from, to)) {
    out.push_back(message::iso8601(c.service.zone, r.at).substr(0, 16) + " " + r.stage + " " +
                  r.addressee().id + " " + std::to_string(r.overdue_days));
  }
  return out;
}

}  // namespace

TEST_CASE("overdue notices follow working days across Tết, then escalate, then stop", "[chase]") {
  auto c = load(k_plan, "overdue = true\n");
  // Default: the first working morning after the deadline, then every 3 working days, at
  // most 5 notices; escalation after 5 working days, at a working morning too.
  // Working days after Thursday 12/02: 13/02, then 23, 24, 25, 26, 27/02, 02/03, ...
  auto all = lines(*c, 10, 31);
  CHECK(all == std::vector<std::string>{
                   "2026-02-11T08:00 1d a 0",
                   "2026-02-11T08:00 1d b 0",
                   "2026-02-13T08:00 overdue-1 a 1",
                   "2026-02-25T08:00 overdue-2 a 4",
                   "2026-02-26T08:00 escalate-ld ld 5",
                   "2026-03-02T08:00 overdue-3 a 7",
                   "2026-03-05T08:00 overdue-4 a 10",
                   "2026-03-10T08:00 overdue-5 a 13",
               });
  // The coordinating unit is not chased.
  CHECK(std::none_of(all.begin(), all.end(), [](const std::string& l) {
    return l.find("overdue") != std::string::npos && l.find(" b ") != std::string::npos;
  }));
}

TEST_CASE("chasing is off without [http] unless asked, and keys override per task", "[chase]") {
  CHECK(lines(*load(k_plan), 10, 31).size() == 2);
  auto c =
      load(k_plan + "overdue_delay = \"2h\"\noverdue_every = \"0wd\"\noverdue_until = \"3wd\"\n",
           "overdue = true\n");
  // 17:00 + 2h is 19:00 on the deadline's day: the notice waits for the next working morning.
  CHECK(lines(*c, 10, 31) == std::vector<std::string>{
                                 "2026-02-11T08:00 1d a 0",
                                 "2026-02-11T08:00 1d b 0",
                                 "2026-02-13T08:00 overdue-1 a 1",
                             });
}

TEST_CASE("after a restart only the latest missed notice is caught up", "[chase]") {
  auto c = load(k_plan, "overdue = true\n");
  // Wednesday 25/02 at noon: the notices of 13/02 and 25/02 08:00 have passed.
  auto now = date::sys_days{date::year{2026} / 2 / 25} + std::chrono::hours{5};
  auto agenda = schedule::agenda_at(*c, now, std::chrono::seconds{60});
  REQUIRE(agenda.catch_up.size() == 1);
  CHECK(agenda.catch_up[0].stage == "overdue-2");
  CHECK(agenda.catch_up[0].late);
  REQUIRE(!agenda.upcoming.empty());
  CHECK(agenda.upcoming[0].stage == "escalate-ld");
}

TEST_CASE("overdue and escalation messages say so, to the right people", "[chase]") {
  auto c = load(k_plan, "overdue = true\n");
  auto all = schedule::reminders_between(*c, date::sys_days{date::year{2026} / 2 / 20},
                                         date::sys_days{date::year{2026} / 2 / 27});
  auto find = [&](const std::string& stage) {
    auto it = std::find_if(all.begin(), all.end(), [&](auto& r) { return r.stage == stage; });
    REQUIRE(it != all.end());
    return *it;
  };
  auto overdue = find("overdue-2");
  auto out = message::outbound_for(*c, overdue, overdue.at, false);
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == std::vector<std::string>{"a@example.org"});
  CHECK(out[0].cc == std::vector<std::string>{"vp@example.org"});
  CHECK(out[0].subject ==
        "[Quá hạn] Nhắc việc: Báo cáo (hạn 17:00 ngày 12/02/2026, đã quá hạn 4 ngày làm việc)");
  CHECK(message::text_of(*c, overdue, overdue.at).find("chưa xác nhận hoàn thành") !=
        std::string::npos);
  auto escalation = find("escalate-ld");
  out = message::outbound_for(*c, escalation, escalation.at, false);
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == std::vector<std::string>{"ld@example.org"});
  CHECK(out[0].id == "p.t.20260212.escalate-ld.a");
  CHECK(out[0].subject ==
        "[Quá hạn] Phòng A chưa hoàn thành: Báo cáo (hạn 17:00 ngày 12/02/2026, đã quá hạn 5 ngày "
        "làm việc)");
  std::string text = message::text_of(*c, escalation, escalation.at);
  CHECK(message::stage_label(overdue) == "nhắc quá hạn lần 2");
  CHECK(message::stage_label(escalation) == "báo cáo Lãnh đạo Sở");
  CHECK(text.find("Kính gửi: Lãnh đạo Sở") != std::string::npos);
  CHECK(text.find("chỉ đạo, đôn đốc Phòng A") != std::string::npos);
}

TEST_CASE("overdue counts are those of the moment a notice is sent, not of its stage", "[chase]") {
  auto c = load(k_plan, "overdue = true\n");
  auto all = schedule::reminders_between(*c, date::sys_days{date::year{2026} / 2 / 20},
                                         date::sys_days{date::year{2026} / 2 / 27});
  auto it = std::find_if(all.begin(), all.end(), [](auto& r) { return r.stage == "overdue-2"; });
  REQUIRE(it != all.end());
  const schedule::Reminder& overdue = *it;
  // Caught up (or retried) two working days after its time (Wednesday 25/02, 4 working days
  // after the deadline of Thursday 12/02): on Friday 27/02 it is 6.
  REQUIRE(overdue.overdue_days == 4);
  const auto later = overdue.at + date::days{2};
  std::string subject = message::subject_of(*c, overdue, later);
  std::string text = message::text_of(*c, overdue, later);
  CHECK(subject.find("quá hạn 4 ngày làm việc") == std::string::npos);
  CHECK(subject == "[Quá hạn] Nhắc việc: Báo cáo (hạn 17:00 ngày 12/02/2026, đã quá hạn " +
                       std::to_string(c->calendar->working_days_after(
                           date::local_days{date::year{2026} / 2 / 12},
                           date::floor<date::days>(c->service.zone->to_local(later)))) +
                       " ngày làm việc)");
  CHECK(text.find("quá hạn 4 ngày làm việc") == std::string::npos);
  auto json = message::render_webhook(*c, overdue, later);
  CHECK(json.find("\"overdue_days\":4,") == std::string::npos);
  CHECK(json.find("\"overdue_days\":6,") != std::string::npos);
}

TEST_CASE("chase keys are checked where they are written", "[chase]") {
  test::TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"x\"\nescalate_to = [\"nobody\"]\n\n"
            "[[task]]\nid = \"t\"\ntitle = \"x\"\nresponsible = [\"a\"]\ndue = 2026-02-12\n"
            "overdue_every = \"2d\"\noverdue_until = \"0wd\"\n");
  auto loaded = config::load_config(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\noverdue = \"yes\"\n\n[email]\n"
                "transport = \"maildir\"\nfrom = \"V <v@example.org>\"\n\n"
                "[units.a]\nname = \"A\"\nemail = [\"a@example.org\"]\n"));
  CHECK_FALSE(loaded.config);
  std::vector<std::string> texts;
  for (const auto& d : loaded.diagnostics)
    texts.push_back(d.to_string().substr(dir.path().string().size() + 1));
  CHECK(texts ==
        std::vector<std::string>{
            "main.toml:3:11: error: 'overdue' trong [service] phải là giá trị đúng/sai (true "
            "hoặc false), không phải chuỗi",
            "plans/p.toml:4:16: error: 'escalate_to' nêu đơn vị 'nobody' chưa được khai báo "
            "trong [units]",
            "plans/p.toml:11:17: error: 'overdue_every' trong [[task]] phải là số ngày làm "
            "việc, ví dụ \"2wd\"",
            "plans/p.toml:12:17: error: 'overdue_until' trong [[task]] phải là số ngày làm "
            "việc, ví dụ \"5wd\"",
        });
}

TEST_CASE("the digest lists open tasks per plan: confirmed, within the deadline, overdue",
          "[chase][digest]") {
  auto c = load(k_plan +
                "\n[[task]]\nid = \"u\"\ntitle = \"Số liệu\"\nresponsible = [\"a\", \"b\"]\n"
                "due = 2026-02-27\nleads = [\"7d\"]\n");
  // Tuesday 24/02/2026: t (due 12/02) is overdue; u (due 27/02) is open.
  auto now = date::sys_days{date::year{2026} / 2 / 24} + std::chrono::hours{1};
  auto open = schedule::open_occurrences(*c, now);
  REQUIRE(open.size() == 2);
  CHECK(open[0].task->id == "t");
  CHECK(open[0].overdue);
  CHECK(open[0].overdue_days == 3);  // 13/02, 23/02 and 24/02
  CHECK(open[1].task->id == "u");
  CHECK_FALSE(open[1].overdue);
  std::vector<message::DigestItem> items;
  for (const auto& o : open) {
    message::DigestItem item{o, {}};
    for (const auto& id : o.task->responsible)
      item.units.push_back({c->find_unit(id), id == "b", {}});
    items.push_back(item);
  }
  CHECK(message::digest_needed(items));
  auto out = message::digest(*c, *c->find_unit("vp"), items, now);
  REQUIRE(out.size() == 1);
  CHECK(out[0].id == "digest.20260224");
  CHECK(out[0].to == std::vector<std::string>{"vp@example.org"});
  CHECK(out[0].subject ==
        "Tổng hợp theo dõi nhiệm vụ ngày 24/02/2026: 1 lượt đơn vị quá hạn, 1 lượt đơn vị đang "
        "thực hiện");
  // Long past the chase window, nothing is open; all confirmed means no digest.
  CHECK(schedule::open_occurrences(*c, now + date::days{90}).empty());
  for (auto& item : items) {
    for (auto& u : item.units)
      u.confirmed = true;
  }
  CHECK_FALSE(message::digest_needed(items));
}
