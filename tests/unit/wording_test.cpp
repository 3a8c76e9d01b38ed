// What units and the Office read (issue 16): the citation of the plan, roles, register,
// the Office's copy, the digest's counts and deadlines counted from a date.
#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "message/document.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

const std::string k_units =
    "[units.vp]\nname = \"Văn phòng Sở\"\nemail = [\"vp@example.org\"]\n"
    "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n"
    "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n"
    "[units.c]\nname = \"Công đoàn Sở\"\nemail = [\"c@example.org\"]\n";

struct Loaded {
  test::TempDir dir;
  std::shared_ptr<const config::Config> config;
};

std::unique_ptr<Loaded> load(const std::string& plan, const std::string& service_extra = "") {
  auto out = std::make_unique<Loaded>();
  out->dir.write("plans/p.toml", plan);
  out->dir.write("link.key", "0123456789abcdef0123456789abcdef\n");
  auto loaded = config::load_config(out->dir.write(
      "main.toml",
      "[service]\nplans = [\"plans/*.toml\"]\nmonitor = \"vp\"\n" + service_extra +
          "\n[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n" + k_units));
  for (const auto& d : loaded.diagnostics)
    UNSCOPED_INFO(d.to_string());
  REQUIRE(loaded.config);
  out->config = loaded.config;
  return out;
}

config::SysSeconds local(int y, int m, int d, int hour, int minute = 0) {
  date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  return date::sys_days{day} + std::chrono::hours{hour - 7} + std::chrono::minutes{minute};
}

/// The reminder of `unit` at `stage` among those between the two days.
schedule::Reminder find(const config::Config& c, const std::string& stage, const std::string& unit,
                        config::SysSeconds from, config::SysSeconds to) {
  for (const auto& r : schedule::reminders_between(c, from, to)) {
    if (r.stage == stage && r.addressee().id == unit) return r;
  }
  FAIL("no reminder " << stage << " for " << unit);
  return {};
}

// Tuesday 08/12/2026 at 17:00; a leads, b carries out too, c coordinates.
const std::string k_plan =
    "[plan]\nid = \"p\"\nnumber = \"125/KH-STNMT\"\ndate = 2026-11-20\n"
    "title = \"Thực hiện chuyển đổi số năm 2026\"\nbasis = \"Quyết định số 7/QĐ-UBND\"\n\n"
    "[[task]]\nid = \"t\"\ntitle = \"Báo cáo kết quả chuyển đổi số\"\n"
    "responsible = [\"a\", \"b\"]\nlead = \"a\"\ncoordinating = [\"c\"]\n"
    "due = 2026-12-08\nleads = [\"7d\", \"1d\", \"0d\"]\n";

}  // namespace

TEST_CASE("the citation names the issuer, the type, a month-only date and no digitless number",
          "[wording]") {
  auto l = load(
      "[plan]\nid = \"p\"\nnumber = \"/KH-STNMT\"\ndate = \"2020-07\"\n"
      "title = \"Thực hiện “Tháng hành động vì người cao tuổi Việt Nam”\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"T\"\nresponsible = [\"a\"]\ndue = 2020-10-30\n",
      "organisation = \"Sở Tài nguyên và Môi trường tỉnh Bắc Kạn\"\n");
  const config::Plan& plan = l->config->plans.at(0);
  CHECK(plan.date_month_only);
  CHECK(message::plan_reference(message::citation_of(*l->config, plan, 2020)) ==
        "Kế hoạch ban hành tháng 7/2020 của Sở Tài nguyên và Môi trường tỉnh Bắc Kạn về thực "
        "hiện “Tháng hành động vì người cao tuổi Việt Nam”");

  auto own = load(
      "[plan]\nid = \"p\"\nnumber = \"12/QĐ-STNMT\"\ndate = \"2020-07\"\ntitle = \"Về việc X\"\n"
      "issuer = \"UBND tỉnh Bắc Kạn\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"T\"\nresponsible = [\"a\"]\ndue = 2020-10-30\n",
      "organisation = \"Sở Tài nguyên và Môi trường tỉnh Bắc Kạn\"\n");
  CHECK(
      message::plan_reference(message::citation_of(*own->config, own->config->plans.at(0), 2020)) ==
      "Quyết định số 12/QĐ-STNMT tháng 7/2020 của UBND tỉnh Bắc Kạn về việc X");
}

TEST_CASE("a recurring plan cites each year's edition and nothing of another year", "[wording]") {
  auto l = load(
      "[plan]\nid = \"p\"\nnumber = \"10/KH-STNMT\"\ndate = 2026-01-05\n"
      "title = \"Báo cáo công tác\"\nbasis = \"Kế hoạch số 1/KH-UBND ngày 2/1/2026\"\n"
      "[[plan.edition]]\nyear = 2027\nnumber = \"8/KH-STNMT\"\ndate = 2027-01-06\n"
      "basis = \"Kế hoạch số 3/KH-UBND ngày 4/1/2027\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\nrecur = \"yearly\"\n"
      "from = 2026-01-01\ndue = \"day 15 of month 12\"\nleads = [\"1d\"]\n");
  const auto& c = *l->config;
  auto text_in = [&](int year) {
    auto r = find(c, "1d", "a", local(year, 12, 1, 0), local(year, 12, 31, 0));
    return message::text_of(c, r, r.at);
  };
  CHECK_THAT(text_in(2026),
             Catch::Contains("Thực hiện Kế hoạch số 10/KH-STNMT ngày 05/01/2026 về báo cáo công "
                             "tác (căn cứ Kế hoạch số 1/KH-UBND ngày 2/1/2026), Phòng A"));
  CHECK_THAT(text_in(2027),
             Catch::Contains("Thực hiện Kế hoạch số 8/KH-STNMT ngày 06/01/2027 về báo cáo công "
                             "tác (căn cứ Kế hoạch số 3/KH-UBND ngày 4/1/2027), Phòng A"));
  // 2028 has no edition: neither 2026's nor 2027's number or basis.
  auto text_2028 = text_in(2028);
  CHECK_THAT(text_2028, Catch::Contains("Thực hiện Kế hoạch về báo cáo công tác, Phòng A"));
  CHECK_THAT(text_2028, !Catch::Contains("KH-STNMT") && !Catch::Contains("căn cứ"));
  CHECK_FALSE(message::has_edition(c.plans.at(0), 2028));
  CHECK(message::has_edition(c.plans.at(0), 2027));
}

TEST_CASE("the lead chủ trì, other units thực hiện, coordinating units phối hợp", "[wording]") {
  auto l = load(k_plan);
  const auto& c = *l->config;
  auto from = local(2026, 11, 30, 0), to = local(2026, 12, 9, 0);
  auto a = find(c, "7d", "a", from, to);
  auto b = find(c, "7d", "b", from, to);
  auto coordinating = find(c, "7d", "c", from, to);
  CHECK((message::body_of(c, a, a.at) + "\n") ==
        "Thực hiện Kế hoạch số 125/KH-STNMT ngày 20/11/2026 về thực hiện chuyển đổi số năm 2026 "
        "(căn cứ Quyết định số 7/QĐ-UBND), Phòng A được giao chủ trì thực hiện nhiệm vụ:\n\n"
        "    Báo cáo kết quả chuyển đổi số\n\n"
        "Thời hạn: trước 17:00 ngày 08/12/2026 (còn 7 ngày, trong đó 5 ngày làm việc).\n"
        "Báo cáo kết quả về: Văn phòng Sở.\n\n"
        "Đề nghị Phòng A triển khai thực hiện, gửi báo cáo kết quả về Văn phòng Sở đúng thời "
        "hạn.\n");
  CHECK_THAT(
      (message::body_of(c, b, b.at) + "\n"),
      Catch::Contains("Phòng B được giao thực hiện nhiệm vụ (đơn vị chủ trì: Phòng A):\n\n"));
  std::string body = (message::body_of(c, coordinating, coordinating.at) + "\n");
  CHECK_THAT(body, Catch::Contains("Công đoàn Sở được giao phối hợp với Phòng A thực hiện nhiệm "
                                   "vụ:\n\n"));
  CHECK_THAT(body, Catch::EndsWith("(còn 7 ngày, trong đó 5 ngày làm việc).\n\n"
                                   "Đề nghị Công đoàn Sở phối hợp, cung cấp thông tin, tài liệu "
                                   "cho Phòng A để hoàn thành nhiệm vụ đúng thời hạn.\n"));
  CHECK_THAT(body, !Catch::Contains("báo cáo kết quả về") && !Catch::Contains("chủ trì"));
}

TEST_CASE("only the last calls say khẩn trương, and the due day says hạn trong ngày hôm nay",
          "[wording]") {
  auto l = load(k_plan);
  const auto& c = *l->config;
  auto from = local(2026, 11, 30, 0), to = local(2026, 12, 9, 0);
  auto early = find(c, "7d", "a", from, to);
  auto day_before = find(c, "1d", "a", from, to);
  auto due_day = find(c, "0d", "a", from, to);
  CHECK_THAT(message::text_of(c, early, early.at), !Catch::Contains("khẩn trương"));
  CHECK_THAT(message::text_of(c, day_before, day_before.at),
             Catch::Contains("(hạn vào ngày mai).\n") &&
                 Catch::Contains("Đề nghị Phòng A khẩn trương hoàn thành, gửi báo cáo kết quả "
                                 "về Văn phòng Sở đúng thời hạn.\n"));
  std::string today = message::text_of(c, due_day, due_day.at);
  CHECK_THAT(today, Catch::Contains("Thời hạn: trước 17:00 ngày 08/12/2026 (hạn trong ngày hôm "
                                    "nay).\n") &&
                        Catch::Contains("khẩn trương") && !Catch::Contains("giờ"));
  // The 7d reminder caught up on the day before says what is true then.
  CHECK_THAT(message::text_of(c, early, local(2026, 12, 7, 8)),
             Catch::Contains("(hạn vào ngày mai)") && Catch::Contains("khẩn trương"));
}

TEST_CASE("an overdue subject on the deadline day, and the days overdue after it", "[wording]") {
  auto l = load(k_plan, "overdue = true\n");
  const auto& c = *l->config;
  schedule::Reminder r = find(c, "0d", "a", local(2026, 12, 8, 0), local(2026, 12, 9, 0));
  r.kind = schedule::Reminder::Kind::overdue;
  r.stage = "overdue-1";
  CHECK(message::subject_of(c, r, local(2026, 12, 8, 17, 30)) ==
        "[Quá hạn] Nhắc việc: Báo cáo kết quả chuyển đổi số (hạn 17:00 ngày 08/12/2026, đã quá "
        "hạn)");
  CHECK(message::subject_of(c, r, local(2026, 12, 11, 8)) ==
        "[Quá hạn] Nhắc việc: Báo cáo kết quả chuyển đổi số (hạn 17:00 ngày 08/12/2026, đã quá "
        "hạn 3 ngày làm việc)");
}

TEST_CASE("the calendar link is explained, the contact closes the message", "[wording]") {
  auto l = load(k_plan,
                "contact = \"Văn phòng Sở, điện thoại 0209 3870 123\"\n\n[http]\n"
                "public_url = \"https://nhacviec.example\"\nsecret_file = \"link.key\"\n");
  const auto& c = *l->config;
  auto r = find(c, "7d", "a", local(2026, 11, 30, 0), local(2026, 12, 9, 0));
  const std::string text = message::text_of(c, r, r.at);
  CHECK_THAT(text, Catch::Contains("\nLịch hạn nhiệm vụ của Phòng A, định dạng "
                                   "iCalendar; thêm vào Outlook, Thunderbird hoặc lịch "
                                   "điện thoại:\nhttps://nhacviec.example/calendar/a.ics"
                                   "?token="));
  CHECK_THAT(text, Catch::Contains("\nMọi vướng mắc xin liên hệ Văn phòng Sở, điện "
                                   "thoại 0209 3870 123.\n"));
}

TEST_CASE("a date the Office chose says so", "[wording]") {
  auto l = load(
      "[plan]\nid = \"p\"\ntitle = \"X\"\n\n"
      "[[task]]\nid = \"t\"\ntitle = \"Đăng tin\"\nresponsible = [\"a\"]\ndue = 2026-12-08\n"
      "office_deadline = true\nleads = [\"3wd\"]\n");
  const auto& c = *l->config;
  auto r = find(c, "3wd", "a", local(2026, 11, 30, 0), local(2026, 12, 9, 0));
  CHECK_THAT(message::text_of(c, r, r.at),
             Catch::Contains("Thời hạn: Văn phòng Sở đề nghị hoàn thành trước 17:00 ngày "
                             "08/12/2026 (còn 5 ngày, trong đó 3 ngày làm việc).\n"));
}

TEST_CASE("monitor_cc: the Office's copy on all, on overdue notices only, or on none",
          "[wording]") {
  auto copies = [](const std::string& service_extra) {
    auto l = load(k_plan, service_extra);
    const auto& c = *l->config;
    auto r = find(c, "7d", "a", local(2026, 11, 30, 0), local(2026, 12, 9, 0));
    auto overdue = r;
    overdue.kind = schedule::Reminder::Kind::overdue;
    overdue.stage = "overdue-1";
    auto cc_of = [&](const schedule::Reminder& one) {
      auto out = message::outbound_for(c, one, one.at, false);
      REQUIRE(out.size() == 1);
      return message::join_list(out[0].cc) + "|" +
             (message::text_of(c, one, one.at).find("Đồng gửi") == std::string::npos ? ""
                                                                                     : "Đồng gửi");
    };
    return cc_of(r) + " " + cc_of(overdue);
  };
  CHECK(copies("") == "vp@example.org|Đồng gửi vp@example.org|Đồng gửi");
  // With the digest, the default copies only what is overdue.
  CHECK(copies("digest = true\n") == "| vp@example.org|Đồng gửi");
  CHECK(copies("monitor_cc = \"overdue\"\n") == "| vp@example.org|Đồng gửi");
  CHECK(copies("digest = true\nmonitor_cc = \"all\"\n") ==
        "vp@example.org|Đồng gửi vp@example.org|Đồng gửi");
  CHECK(copies("monitor_cc = \"none\"\n") == "| |");
}

TEST_CASE("the digest's subject counts what its body counts", "[wording]") {
  auto l = load(k_plan);
  const auto& c = *l->config;
  auto now = local(2026, 12, 9, 8);
  std::vector<message::DigestItem> items;
  for (auto& open : schedule::open_occurrences(c, now)) {
    message::DigestItem item{open, {}};
    item.units.push_back({c.find_unit("a"), false, {}});
    item.units.push_back({c.find_unit("b"), true, now});
    items.push_back(item);
  }
  REQUIRE(items.size() == 1);
  auto out = message::digest(c, *c.monitor_unit(), items, now);
  REQUIRE(!out.empty());
  CHECK(out[0].subject ==
        "Tổng hợp theo dõi nhiệm vụ ngày 09/12/2026: 1 lượt đơn vị quá hạn, 0 lượt đơn vị đang "
        "thực hiện");
  CHECK_THAT(out[0].text, Catch::Contains("1 lượt đơn vị quá hạn, 0 lượt đơn vị đang thực hiện, "
                                          "1 lượt đơn vị đã xác nhận hoàn thành.\n") &&
                              Catch::Contains("\n1. Thực hiện chuyển đổi số năm 2026 "
                                              "(125/KH-STNMT)\n"));
}

TEST_CASE("deadlines counted from a date start the day after it", "[wording]") {
  auto due_of = [](const std::string& task_keys) {
    auto l = load(
        "[plan]\nid = \"p\"\ntitle = \"X\"\n\n[[task]]\nid = \"t\"\ntitle = \"T\"\n"
        "responsible = [\"a\"]\n" +
        task_keys);
    const auto& c = *l->config;
    return message::vn_time(c.service.zone, schedule::deadline_of(c, c.plans[0].tasks[0])) + " " +
           message::vn_date(c.service.zone, schedule::deadline_of(c, c.plans[0].tasks[0]));
  };
  // "Trong thời hạn 05 ngày làm việc kể từ ngày nhận được văn bản" (Civil Code Art. 147).
  CHECK(due_of("due = \"5wd after 2026-12-01\"\n") == "17:00 08/12/2026");
  CHECK(due_of("received = 2026-12-01\ndue = \"5wd after received\"\n") == "17:00 08/12/2026");
  CHECK(due_of("due = \"5 days after 2026-12-01\"\n") == "17:00 07/12/2026");  // Sun 06 → Mon
  CHECK(due_of("due = \"2 days after 2026-12-01\"\n") == "17:00 03/12/2026");
}

TEST_CASE("a deadline after 'received' needs 'received'", "[wording]") {
  test::TempDir dir;
  dir.write("plans/p.toml",
            "[plan]\nid = \"p\"\ntitle = \"X\"\n\n[[task]]\nid = \"t\"\ntitle = \"T\"\n"
            "responsible = [\"a\"]\ndue = \"5wd after received\"\n");
  auto loaded = config::load_config(
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\n\n[email]\ntransport = \"maildir\"\n"
                "from = \"Văn phòng <vp@example.org>\"\n" +
                    k_units));
  CHECK_FALSE(loaded.config);
  bool said = false;
  for (const auto& d : loaded.diagnostics)
    said = said || d.to_string().find("cần khai báo 'received'") != std::string::npos;
  CHECK(said);
}

TEST_CASE("a dated plan's number and basis belong to its year, a one-off task cites it as written",
          "[wording]") {
  auto l = load(
      "[plan]\nid = \"p\"\nnumber = \"354/KH-BCTNCT\"\ndate = 2020-06-24\ntitle = \"X\"\n"
      "basis = \"Kế hoạch số 1/KH-UBND\"\n\n"
      "[[task]]\nid = \"yearly\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\nrecur = \"yearly\"\n"
      "from = 2020-01-01\ndue = \"day 15 of month 12\"\nleads = [\"1d\"]\n\n"
      "[[task]]\nid = \"once\"\ntitle = \"Tổng kết\"\nresponsible = [\"a\"]\ndue = 2021-01-15\n"
      "leads = [\"1d\"]\n");
  const auto& c = *l->config;
  auto text_of = [&](int year, int month, int day) {
    auto from = local(year, month, day - 3, 0), to = local(year, month, day + 1, 0);
    auto r = find(c, "1d", "a", from, to);
    return message::text_of(c, r, r.at);
  };
  CHECK_THAT(text_of(2020, 12, 15), Catch::Contains("Kế hoạch số 354/KH-BCTNCT ngày 24/06/2020"));
  CHECK_THAT(text_of(2021, 12, 15),
             Catch::Contains("Thực hiện Kế hoạch về x, Phòng A") && !Catch::Contains("354"));
  // The one-off task of the next year belongs to the plan as written.
  CHECK_THAT(text_of(2021, 1, 15), Catch::Contains("Kế hoạch số 354/KH-BCTNCT ngày 24/06/2020 về "
                                                   "x (căn cứ Kế hoạch số 1/KH-UBND)"));
}

TEST_CASE("a deadline written 'before a day' is cited as written, with the instant it ends",
          "[wording]") {
  auto l = load(
      "[plan]\nid = \"p\"\ntitle = \"X\"\n\n"
      "[[task]]\nid = \"yearly\"\ntitle = \"Báo cáo\"\nresponsible = [\"a\"]\nrecur = \"yearly\"\n"
      "from = 2020-01-01\nbefore = \"day 4 of month 11\"\nleads = [\"1d\"]\n\n"
      "[[task]]\nid = \"once\"\ntitle = \"Tổng kết\"\nresponsible = [\"b\"]\n"
      "before = 2026-12-09\nleads = [\"1d\"]\n");
  const auto& c = *l->config;
  auto yearly = find(c, "1d", "a", local(2020, 10, 30, 0), local(2020, 11, 4, 0));
  CHECK_THAT(message::text_of(c, yearly, yearly.at),
             Catch::Contains("Thời hạn: trước ngày 04/11/2020, tức trước 17:00 ngày 03/11/2020 "
                             "(hạn vào ngày mai).\n"));
  auto once = find(c, "1d", "b", local(2026, 12, 6, 0), local(2026, 12, 9, 0));
  CHECK_THAT(message::text_of(c, once, once.at),
             Catch::Contains("Thời hạn: trước ngày 09/12/2026, tức trước 17:00 ngày 08/12/2026 "
                             "(hạn vào ngày mai).\n"));
}
