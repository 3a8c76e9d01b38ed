#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "report/export.hpp"
#include "report/statistics.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using report::Figures;

namespace {

/// The scenario: units written b, a, c (not in the order of their ids); plan p1 with
/// one-off tasks t0 (30/10, before the window), t1 (10/11) and t2 (20/11) for a and b, t3
/// (15/12) for a; plan p2 with a monthly report of b (due the 20th of the month after, so
/// 20/10, 20/11, 21/12 since 20/12/2026 is a Sunday) and a task of c due in 2027.
std::shared_ptr<const config::Config> scenario() {
  static test::TempDir dir;
  auto task = [](const char* id, const char* units, const char* due) {
    return std::string("[[task]]\nid = \"") + id + "\"\ntitle = \"Việc " + id +
           "\"\nresponsible = " + units + "\ndue = " + due + "\nleads = [\"1d\"]\n";
  };
  dir.write("plans/p1.toml",
            "[plan]\nid = \"p1\"\ntitle = \"Kế hoạch số 1\"\n\n" +
                task("t0", "[\"a\"]", "2026-10-30") + task("t1", "[\"a\", \"b\"]", "2026-11-10") +
                task("t2", "[\"a\", \"b\"]", "2026-11-20") + task("t3", "[\"a\"]", "2026-12-15"));
  dir.write("plans/p2.toml",
            "[plan]\nid = \"p2\"\ntitle = \"Kế hoạch số 2\"\n\n"
            "[[task]]\nid = \"m\"\ntitle = \"Báo cáo tháng\"\nresponsible = "
            "[\"b\"]\nrecur = \"monthly\"\ndue = \"day 20 of next month\"\n"
            "from = 2026-09-01\nleads = [\"1d\"]\n\n" +
                task("far", "[\"c\"]", "2027-01-20"));
  return test::load_or_fail(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n\n"
                "[email]\ntransport = \"maildir\"\nfrom = \"vp@example.org\"\n\n"
                "[units.vp]\nname = \"Văn phòng\"\nemail = [\"vp@example.org\"]\n"
                "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"
                "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n"
                "[units.c]\nname = \"Phòng \\\"C\\\", Đội 1\"\nemail = [\"c@example.org\"]\n"));
}

/// DD/MM/2026 at HH:MM in Hà Nội (UTC+7).
report::SysSeconds at(int month, int day, int hour, int minute = 0) {
  return date::sys_days{date::year{2026} / month / day} + std::chrono::hours{hour - 7} +
         std::chrono::minutes{minute};
}

/// The confirmations of the scenario, when each was done.
const std::map<ids::AssignmentId, report::SysSeconds>& confirmations() {
  static const std::map<ids::AssignmentId, report::SysSeconds> done{
      {{"p1", "t1", "20261110", "a"}, at(11, 9, 10)},   // on time
      {{"p1", "t1", "20261110", "b"}, at(11, 12, 9)},   // late
      {{"p1", "t2", "20261120", "b"}, at(11, 20, 17)},  // at the deadline itself: on time
      {{"p2", "m", "2026-10", "b"}, at(11, 25, 9)},     // late
      {{"p2", "m", "2026-11", "b"}, at(12, 1, 9)},      // early: on time
      {{"p2", "m", "2026-09", "b"}, at(10, 1, 9)},      // outside the window
  };
  return done;
}

report::Query query(report::SysSeconds from, report::SysSeconds to) {
  report::Query q;
  q.from = from;
  q.to = to;
  q.now = at(12, 2, 10);
  q.done_at = [](const ids::AssignmentId& id) -> std::optional<report::SysSeconds> {
    auto it = confirmations().find(id);
    if (it == confirmations().end()) return std::nullopt;
    return it->second;
  };
  return q;
}

/// November and December 2026: [01/11 00:00, 01/01/2027 00:00).
report::Query two_months() {
  return query(at(11, 1, 0), date::sys_days{date::year{2027} / 1 / 1} - std::chrono::hours{7});
}

Figures figures(long assigned, long on_time, long late, long open, long overdue) {
  return Figures{assigned, on_time, late, open, overdue};
}

}  // namespace

TEST_CASE("report figures per unit, per plan and in total", "[report]") {
  auto c = scenario();
  const report::Report r = report::compute(*c, two_months());
  // a: t1 on time, t2 overdue, t3 open (t0 is due before the window). b: t1 late, t2 on
  // time, m 2026-10 late, m 2026-11 on time. c: nothing due. vp is responsible for nothing.
  REQUIRE(r.units.size() == 3);
  CHECK(r.units[0].unit == "b");  // in the order the config writes the units
  CHECK(r.units[0].name == "Phòng B");
  CHECK(r.units[0].figures == figures(4, 2, 2, 0, 0));
  CHECK(r.units[1].unit == "a");
  CHECK(r.units[1].figures == figures(3, 1, 0, 1, 1));
  CHECK(r.units[2].unit == "c");
  CHECK(r.units[2].figures == figures(0, 0, 0, 0, 0));
  REQUIRE(r.plans.size() == 2);
  CHECK(r.plans[0].plan == "p1");
  CHECK(r.plans[0].title == "Kế hoạch số 1");
  CHECK(r.plans[0].figures == figures(5, 2, 1, 1, 1));
  CHECK(r.plans[1].figures == figures(2, 1, 1, 0, 0));
  CHECK(r.total == figures(7, 3, 2, 1, 1));
}

TEST_CASE("the on-time rate is on time over assigned, and none when nothing was due", "[report]") {
  CHECK(figures(4, 2, 2, 0, 0).on_time_rate() == Approx(0.5));
  CHECK(figures(3, 1, 0, 1, 1).on_time_rate() == Approx(1.0 / 3));
  CHECK(figures(2, 2, 0, 0, 0).on_time_rate() == Approx(1.0));
  CHECK(figures(1, 0, 0, 0, 1).on_time_rate() == Approx(0.0));
  CHECK_FALSE(figures(0, 0, 0, 0, 0).on_time_rate());
  CHECK(report::percent_text(1.0 / 3) == "33,3%");
  CHECK(report::percent_text(1.0) == "100,0%");
  CHECK(report::percent_text(std::nullopt) == "—");
}

TEST_CASE("the window holds deadlines from its start, not those at its end", "[report]") {
  auto c = scenario();
  // [t2's deadline, t3's deadline): t2 of a and b and m 2026-10 of b (both 20/11 17:00) are
  // in; t3 (15/12 17:00) and m 2026-11 (21/12) are out.
  const report::Report r = report::compute(*c, query(at(11, 20, 17), at(12, 15, 17)));
  CHECK(r.total == figures(3, 1, 1, 0, 1));
  CHECK(r.units[0].figures == figures(2, 1, 1, 0, 0));
  CHECK(r.units[1].figures == figures(1, 0, 0, 0, 1));
  // One second later at each end: t2 and m 2026-10 out, t3 in.
  const report::Report later = report::compute(*c, query(at(11, 20, 17) + std::chrono::seconds{1},
                                                         at(12, 15, 17) + std::chrono::seconds{1}));
  CHECK(later.total == figures(1, 0, 0, 1, 0));
}

TEST_CASE("a report of one plan counts its tasks and lists its units only", "[report]") {
  auto c = scenario();
  auto q = two_months();
  q.plan = "p2";
  const report::Report r = report::compute(*c, q);
  REQUIRE(r.units.size() == 2);
  CHECK(r.units[0].unit == "b");
  CHECK(r.units[0].figures == figures(2, 1, 1, 0, 0));
  CHECK(r.units[1].unit == "c");
  CHECK(r.units[1].figures == figures(0, 0, 0, 0, 0));
  REQUIRE(r.plans.size() == 1);
  CHECK(r.plans[0].plan == "p2");
  CHECK(r.total == figures(2, 1, 1, 0, 0));
}

TEST_CASE("the deadline in force decides the state and the window", "[report]") {
  auto c = scenario();
  auto q = two_months();
  // An extension of a's t2 to 10/12 makes it open; one of t0 (due 30/10) to 05/11 brings
  // it into the window, overdue, when the extensions' reach covers it.
  q.deadline_in_force = [](const ids::AssignmentId& id, report::SysSeconds due) {
    if (id == ids::AssignmentId{"p1", "t2", "20261120", "a"}) return at(12, 10, 17);
    if (id == ids::AssignmentId{"p1", "t0", "20261030", "a"}) return at(11, 5, 17);
    return due;
  };
  CHECK(report::compute(*c, q).units[1].figures == figures(3, 1, 0, 2, 0));
  q.extension_reach = std::chrono::hours{24 * 30};
  CHECK(report::compute(*c, q).units[1].figures == figures(4, 1, 0, 2, 1));
  // Done on 25/11: after t0's extended deadline (05/11) and t1's, late; before t2's
  // extended one (10/12) and t3's, on time.
  q.done_at = [](const ids::AssignmentId& id) -> std::optional<report::SysSeconds> {
    if (id.unit == "a") return at(11, 25, 9);
    return std::nullopt;
  };
  CHECK(report::compute(*c, q).units[1].figures == figures(4, 2, 2, 0, 0));
}

TEST_CASE("CSV: UTF-8 with a BOM, Vietnamese headers, the units then the plans and total",
          "[report]") {
  auto c = scenario();
  const std::string csv = report::to_csv(report::compute(*c, two_months()));
  const std::string figures_header =
      "Số nhiệm vụ đến hạn,Hoàn thành đúng hạn,Hoàn thành quá hạn,"
      "Đang thực hiện (trong hạn),Quá hạn,Tỷ lệ hoàn thành đúng hạn\r\n";
  CHECK(csv ==
        "\xEF\xBB\xBF"
        "Mã đơn vị,Tên đơn vị," +
            figures_header +
            "b,Phòng B,4,2,2,0,0,0.5000\r\n"
            "a,Phòng A,3,1,0,1,1,0.3333\r\n"
            "c,\"Phòng \"\"C\"\", Đội 1\",0,0,0,0,0,\r\n"
            "\r\n"
            "Mã kế hoạch,Tên kế hoạch," +
            figures_header +
            "p1,Kế hoạch số 1,5,2,1,1,1,0.4000\r\n"
            "p2,Kế hoạch số 2,2,1,1,0,0,0.5000\r\n"
            ",Tổng cộng,7,3,2,1,1,0.4286\r\n");
}

TEST_CASE("JSON: one object per unit with exactly the keys of the figures", "[report]") {
  auto c = scenario();
  auto json = nlohmann::json::parse(report::to_json(report::compute(*c, two_months())));
  REQUIRE(json.is_array());
  REQUIRE(json.size() == 3);
  CHECK(json[0] == nlohmann::json{{"unit", "b"},
                                  {"unit_name", "Phòng B"},
                                  {"assigned", 4},
                                  {"on_time", 2},
                                  {"late", 2},
                                  {"open", 0},
                                  {"overdue", 0},
                                  {"on_time_rate", 0.5}});
  CHECK(json[1]["on_time_rate"].get<double>() == Approx(1.0 / 3));
  CHECK(json[2]["assigned"] == 0);
  CHECK(json[2]["on_time_rate"].is_null());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json[2].items())
    keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"assigned", "late", "on_time", "on_time_rate", "open",
                                         "overdue", "unit", "unit_name"});
}

TEST_CASE("the text report heads its tables with the window and names the total", "[report]") {
  auto c = scenario();
  const std::string text = report::to_text(report::compute(*c, two_months()));
  CHECK_THAT(text, Catch::Contains("Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 31/12/2026"));
  CHECK_THAT(text, Catch::Contains("Số liệu tính đến 10:00 ngày 02/12/2026"));
  CHECK_THAT(text, Catch::Contains("I. THEO ĐƠN VỊ"));
  CHECK_THAT(text, Catch::Contains("II. THEO KẾ HOẠCH"));
  // The columns line up by characters, not bytes: the lines of the header, of "Phòng B"
  // and of the unit with no rate ("—", three bytes) are as long in characters.
  auto line_of = [&](const std::string& part) {
    auto pos = text.rfind('\n', text.find(part)) + 1;
    return text.substr(pos, text.find('\n', pos) - pos);
  };
  auto characters = [](const std::string& line) {
    return std::count_if(line.begin(), line.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
  };
  const std::string header = line_of("STT  Đơn vị");
  CHECK_THAT(line_of("Phòng B"), Catch::StartsWith("1    Phòng B ") && Catch::EndsWith(" 50,0%"));
  CHECK(characters(line_of("Phòng B")) == characters(header));
  CHECK_THAT(line_of("Đội 1"), Catch::EndsWith(" —"));
  CHECK(characters(line_of("Đội 1")) == characters(header));
  CHECK_THAT(line_of("Kế hoạch số 2"), Catch::EndsWith(" 50,0%"));
}
