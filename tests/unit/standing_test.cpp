#include <catch2/catch.hpp>

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
