#include <catch2/catch.hpp>

#include "http/desk.hpp"
#include "message/standing_text.hpp"
#include "schedule/standing.hpp"
#include "support/load.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using schedule::State;

namespace {

std::shared_ptr<const config::Config> vietnam() {
  static test::TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
            "title = \"Báo cáo\"\nresponsible = [\"a\"]\ndue = 2026-02-12\nleads = [\"1d\"]\n");
  return test::load_or_fail(dir.write(
      "main.toml", std::string("[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n\n"
                               "[email]\ntransport = \"maildir\"\nfrom = \"vp@example.org\"\n\n") +
                       test::k_units_vp_a_b));
}

/// 2026-02-DD at HH:00 in Hà Nội (UTC+7).
schedule::SysSeconds feb(int day, int hour) {
  return date::sys_days{date::year{2026} / 2 / day} + std::chrono::hours{hour - 7};
}

}  // namespace

TEST_CASE("the four states, with working days counted across Tết 2026", "[standing]") {
  auto c = vietnam();
  // Thursday 12/02/2026 17:00; the working days after it are 13/02, then 23/02 (Tết holidays
  // 16-20/02, Decision of the Prime Minister for 2026, in config/holidays).
  const auto deadline = feb(12, 17);
  using S = schedule::Standing;
  CHECK(schedule::standing_of(*c, deadline, feb(12, 10), feb(24, 9)) == S{State::on_time, 0});
  CHECK(schedule::standing_of(*c, deadline, feb(12, 17), feb(24, 9)) == S{State::on_time, 0});
  CHECK(schedule::standing_of(*c, deadline, feb(23, 9), feb(24, 9)) == S{State::late, 2});
  CHECK(schedule::standing_of(*c, deadline, feb(12, 20), feb(24, 9)) == S{State::late, 0});
  CHECK(schedule::standing_of(*c, deadline, std::nullopt, feb(10, 9)) == S{State::open, 2});
  CHECK(schedule::standing_of(*c, deadline, std::nullopt, feb(12, 9)) == S{State::open, 0});
  CHECK(schedule::standing_of(*c, deadline, std::nullopt, feb(12, 20)) == S{State::overdue, 0});
  CHECK(schedule::standing_of(*c, deadline, std::nullopt, feb(24, 9)) == S{State::overdue, 3});
  // Done counts whenever it was confirmed, even later than `now` says nothing of it.
  CHECK(schedule::standing_of(*c, deadline, feb(23, 9), feb(10, 9)).done());
}

TEST_CASE("each standing in the words of the Office", "[standing][wording]") {
  using S = schedule::Standing;
  CHECK(message::standing_label(S{State::on_time, 0}) == "Hoàn thành đúng hạn");
  CHECK(message::standing_label(S{State::late, 2}) == "Hoàn thành quá hạn 2 ngày làm việc");
  CHECK(message::standing_label(S{State::late, 0}) == "Hoàn thành quá hạn trong ngày hết hạn");
  CHECK(message::standing_label(S{State::open, 3}) == "Đang thực hiện, còn 3 ngày làm việc");
  CHECK(message::standing_label(S{State::open, 0}) == "Đang thực hiện, hạn là hôm nay");
  CHECK(message::standing_label(S{State::overdue, 1}) == "Quá hạn 1 ngày làm việc");
  CHECK(message::standing_label(S{State::overdue, 0}) == "Quá hạn từ hôm nay");
  CHECK(message::state_name(State::open) == "Đang thực hiện");
}

TEST_CASE("the desk shows at most 300 occurrences and says how many more the filters show",
          "[standing][desk]") {
  static test::TempDir dir;
  std::string plan = "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n";
  for (int i = 0; i < 305; ++i) {
    plan += "\n[[task]]\nid = \"t" + std::to_string(i) + "\"\ntitle = \"Báo cáo số " +
            std::to_string(i) + "\"\nresponsible = [\"" + (i % 2 ? "a" : "b") +
            "\"]\ndue = 2026-02-12\nleads = [\"1d\"]\n";
  }
  dir.write("plans/p.toml", plan);
  auto c = test::load_or_fail(dir.write(
      "main.toml", std::string("[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n\n"
                               "[email]\ntransport = \"maildir\"\nfrom = \"vp@example.org\"\n\n") +
                       test::k_units_vp_a_b));
  auto count = [](const std::string& html, const std::string& what) {
    std::size_t n = 0;
    for (auto at = html.find(what); at != std::string::npos; at = html.find(what, at + 1))
      ++n;
    return n;
  };
  const auto now = feb(13, 9);
  std::string all =
      http::desk_html(*c, {}, schedule::Extensions::none(), http::desk_filter(""), now);
  CHECK(count(all, "<article") == 300);
  CHECK(all.find("… và 5 kỳ nhiệm vụ nữa") != std::string::npos);
  // The filter narrows before the cap: unit a has 152 of them, all shown.
  std::string only_a = http::desk_filter("unit=a").unit;
  CHECK(only_a == "a");
  std::string a = http::desk_html(*c, {}, schedule::Extensions::none(),
                                  http::desk_filter("unit=a&state=overdue"), now);
  CHECK(count(a, "<article") == 152);
  CHECK(a.find("kỳ nhiệm vụ nữa") == std::string::npos);
  // A confirmation from the index counts: 1/1 for t1 (unit a), and it leaves the overdue view.
  http::LatestConfirmations latest;
  latest.emplace(
      "p.t1.20260212.a",
      journal::Confirmation{
          {"p", "t1", "20260212", "a"}, true, feb(12, 9), "link", "192.0.2.1", "Số 7/BC"});
  std::string done = http::desk_html(*c, latest, schedule::Extensions::none(),
                                     http::desk_filter("unit=a&state=on-time"), now);
  CHECK(count(done, "<article") == 1);
  CHECK(done.find("1/1 đơn vị đã hoàn thành") != std::string::npos);
  CHECK(done.find("Số 7/BC") != std::string::npos);
  CHECK(count(http::desk_html(*c, latest, schedule::Extensions::none(),
                              http::desk_filter("unit=a&state=overdue"), now),
              "<article") == 151);
}
