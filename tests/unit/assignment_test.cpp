// The one resolver of an AssignmentId, shared by `ack`/`reopen`, the links and the feeds.
#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "schedule/assignment.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using schedule::UnknownAssignment;

namespace {

std::shared_ptr<const config::Config> load() {
  static test::TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n"
            "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\n"
            "coordinating = [\"b\"]\ndue = 2026-03-06\n\n"
            "[[task]]\nid = \"m\"\ntitle = \"Báo cáo tháng\"\nresponsible = [\"a\"]\n"
            "recur = \"monthly\"\ndue = \"day 20 of next month\"\nfrom = 2026-01-01\n");
  return test::load_or_fail(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\n\n[email]\ntransport = \"maildir\"\n"
                "from = \"Văn phòng <vp@example.org>\"\n\n"
                "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n"
                "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"
                "[units.c]\nname = \"Phòng C\"\nemail = [\"c@example.org\"]\n"));
}

std::string why(const std::variant<schedule::Assignment, UnknownAssignment>& resolved) {
  const auto* unknown = std::get_if<UnknownAssignment>(&resolved);
  return unknown ? unknown->message : "resolved";
}

}  // namespace

TEST_CASE("resolve: an assignment names its task, occurrence, unit and role", "[assignment]") {
  auto c = load();
  auto one = schedule::resolve(*c, {"p", "t", "20260306", "b"});
  REQUIRE(std::holds_alternative<schedule::Assignment>(one));
  const auto& a = std::get<schedule::Assignment>(one);
  CHECK(a.task->id == "t");
  CHECK(a.unit->name == "Phòng B");
  CHECK(a.role == schedule::Role::coordinating);
  CHECK(a.occurrence.id == "20260306");
  auto month = schedule::resolve(*c, {"p", "m", "2026-08", "a"});
  REQUIRE(std::holds_alternative<schedule::Assignment>(month));
  CHECK(std::get<schedule::Assignment>(month).occurrence.name == "tháng 8/2026");
  CHECK(std::get<schedule::Assignment>(month).role == schedule::Role::responsible);
}

TEST_CASE("resolve: what does not name an assignment, and why", "[assignment]") {
  auto c = load();
  CHECK(why(schedule::resolve(*c, {"q", "t", "20260306", "a"})) == "không có kế hoạch 'q'");
  CHECK(why(schedule::resolve(*c, {"p", "x", "20260306", "a"})) ==
        "kế hoạch 'p' không có nhiệm vụ 'x'");
  CHECK(why(schedule::resolve(*c, {"p", "t", "20260306", "c"})) ==
        "đơn vị 'c' không được giao nhiệm vụ 't'");
  CHECK(why(schedule::resolve(*c, {"p", "t", "20260306", "zz"})) ==
        "đơn vị 'zz' không được giao nhiệm vụ 't'");
  CHECK(why(schedule::resolve(*c, {"p", "t", "20260307", "a"})) ==
        "nhiệm vụ 't' không có kỳ '20260307' (nhiệm vụ một lần: ngày đến hạn, dạng YYYYMMDD "
        "hoặc YYYY-MM-DD; nhiệm vụ định kỳ: kỳ báo cáo, ví dụ 2026-08, 2026-Q3, 2026-H1, "
        "2026-9M hoặc 2026)");
  CHECK(why(schedule::resolve(*c, {"p", "m", "2025-12", "a"})).find("không có kỳ") !=
        std::string::npos);
}
