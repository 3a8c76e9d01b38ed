#include <catch2/catch.hpp>

#include <cstdlib>

#include "codec/base64.hpp"
#include "config/lead.hpp"
#include "config/loader.hpp"
#include "support/temp_dir.hpp"

using deadlined::config::Diagnostic;
using deadlined::config::Lead;
using deadlined::config::load_config;
using deadlined::test::TempDir;

namespace {

const std::string k_main =
    "[service]\n"                              // 1
    "plans = [\"plans/*.toml\"]\n"             // 2
    "monitor = \"vp\"\n"                       // 3
    "\n"                                       // 4
    "[email]\n"                                // 5
    "transport = \"maildir\"\n"                // 6
    "from = \"Văn phòng <vp@example.org>\"\n"  // 7
    "\n"                                       // 8
    "[units.vp]\n"                             // 9
    "name = \"Văn phòng\"\n"                   // 10
    "email = [\"vp@example.org\"]\n"           // 11
    "\n"                                       // 12
    "[units.a]\n"                              // 13
    "name = \"Phòng A\"\n"                     // 14
    "email = [\"a@example.org\"]\n";           // 15

const std::string k_plan_head =
    "[plan]\n"                // 1
    "id = \"p\"\n"            // 2
    "title = \"Kế hoạch\"\n"  // 3
    "\n";                     // 4

std::vector<std::string> messages(const std::vector<Diagnostic>& diagnostics, const TempDir& dir) {
  std::vector<std::string> out;
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : diagnostics) {
    std::string text = d.to_string();
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    out.push_back(text);
  }
  return out;
}

std::vector<std::string> load_errors(const std::string& main, const std::string& plan) {
  TempDir dir;
  dir.write("plans/p.toml", plan);
  auto result = load_config(dir.write("main.toml", main));
  CHECK_FALSE(result.config);
  return messages(result.diagnostics, dir);
}

}  // namespace

TEST_CASE("a good configuration loads with defaults and effective leads", "[config]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head +
                                "[[task]]\n"
                                "id = \"t1\"\n"
                                "title = \"Báo cáo\"\n"
                                "responsible = [\"a\"]\n"
                                "coordinating = [\"vp\"]\n"
                                "before = 2020-11-04\n"
                                "\n"
                                "[[task]]\n"
                                "id = \"t2\"\n"
                                "title = \"Đăng tin\"\n"
                                "responsible = [\"a\"]\n"
                                "due = 2020-10-09T10:30:00\n"
                                "leads = [\"2h\", \"1wd\"]\n");
  auto result = load_config(dir.write("main.toml", k_main));
  REQUIRE(result.diagnostics.empty());
  REQUIRE(result.config);
  const auto& c = *result.config;
  CHECK(c.service.timezone == "Asia/Ho_Chi_Minh");
  CHECK(c.service.zone != nullptr);
  CHECK(c.service.send_time == std::chrono::minutes{8 * 60});
  CHECK(c.service.day_end == std::chrono::minutes{17 * 60});
  CHECK(c.service.state_dir == dir.path() / "state");
  CHECK(c.email.maildir == dir.path() / "state" / "outbox");
  CHECK(c.email.from_name == "Văn phòng");
  CHECK(c.email.from_address == "vp@example.org");
  CHECK(c.units.size() == 2);
  REQUIRE(c.plans.size() == 1);
  REQUIRE(c.plans[0].tasks.size() == 2);
  const auto& t1 = c.plans[0].tasks[0];
  CHECK(t1.due.kind == deadlined::config::DueSpec::Kind::before);
  REQUIRE(t1.leads.size() == 4);
  CHECK(t1.leads[1].text == "3wd");
  CHECK(t1.coordinating == std::vector<std::string>{"vp"});
  const auto& t2 = c.plans[0].tasks[1];
  CHECK(t2.due.kind == deadlined::config::DueSpec::Kind::local_datetime);
  REQUIRE(t2.leads.size() == 2);
  CHECK(t2.leads[0].kind == Lead::Kind::exact);
  CHECK(t2.leads[0].amount == 7200);
  CHECK(t2.leads[1].kind == Lead::Kind::working_days);
}

TEST_CASE("every problem in every file is reported with file:line:col", "[config]") {
  TempDir dir;
  dir.write("plans/a.toml", k_plan_head +
                                "[[task]]\n"               // 5
                                "id = \"t1\"\n"            // 6
                                "title = \"Báo cáo\"\n"    // 7
                                "responsibel = [\"a\"]\n"  // 8
                                "due = 2020-11-03\n");     // 9
  dir.write("plans/b.toml",
            "[plan]\n"
            "id = \"q\"\n"
            "title = \"Kế hoạch khác\"\n"
            "\n"
            "[[task]]\n"                            // 5
            "id = \"t1\"\n"                         // 6
            "title = \"Đăng tin\"\n"                // 7
            "responsible = [\"a\", \"phong-x\"]\n"  // 8
            "due = 2020-11-03\n");
  auto result = load_config(dir.write("main.toml", k_main));
  CHECK_FALSE(result.config);
  CHECK(messages(result.diagnostics, dir) ==
        std::vector<std::string>{
            "plans/a.toml:5:1: error: thiếu khóa bắt buộc 'responsible' trong [[task]]",
            "plans/a.toml:8:1: error: deadlined không dùng khóa 'responsibel' trong [[task]]; có "
            "phải là 'responsible'?",
            "plans/b.toml:8:21: error: nhiệm vụ 't1' nêu đơn vị 'phong-x' chưa được khai báo "
            "trong [units]",
        });
}

TEST_CASE("TOML syntax errors and impossible dates point at the spot", "[config]") {
  CHECK(load_errors(k_main, k_plan_head + "[[task]]\nid = \"t\"\ntitle = \"x\n") ==
        std::vector<std::string>{
            "plans/p.toml:7:11: error: chuỗi chưa được đóng trên dòng này: thiếu dấu ngoặc kép "
            "\" ở cuối giá trị; một chuỗi phải mở và đóng trên cùng một dòng (văn bản nhiều "
            "dòng viết trong \"\"\" … \"\"\")"});
  auto errors = load_errors(k_main, k_plan_head +
                                        "[[task]]\nid = \"t\"\ntitle = \"x\"\n"
                                        "responsible = [\"a\"]\ndue = 2021-02-29\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("plans/p.toml:9:", 0) == 0);
  CHECK(errors[0].find("error: ") != std::string::npos);
}

TEST_CASE("deadline, lead and type problems", "[config]") {
  auto errors = load_errors(k_main, k_plan_head +
                                        "[[task]]\n"                          // 5
                                        "id = \"t1\"\n"                       // 6
                                        "title = 5\n"                         // 7
                                        "responsible = [\"a\"]\n"             // 8
                                        "due = 2020-11-03\n"                  // 9
                                        "before = 2020-11-04\n"               // 10
                                        "leads = [\"3x\", \"7d\", \"7d\"]\n"  // 11
                                        "\n"
                                        "[[task]]\n"               // 13
                                        "id = \"t1\"\n"            // 14
                                        "title = \"Lặp\"\n"        // 15
                                        "responsible = [\"a\"]\n"  // 16
                                        "\n"
                                        "[[task]]\n"               // 18
                                        "id = \"t3\"\n"            // 19
                                        "title = \"Giờ\"\n"        // 20
                                        "responsible = [\"a\"]\n"  // 21
                                        "due = 10:00:00\n");       // 22
  CHECK(errors ==
        std::vector<std::string>{
            "plans/p.toml:7:9: error: 'title' trong [[task]] phải là chuỗi, không phải số nguyên",
            "plans/p.toml:10:10: error: nhiệm vụ 't1' có cả 'due' và 'before'; chỉ khai báo một "
            "trong hai",
            "plans/p.toml:11:10: error: mốc nhắc '3x' không hợp lệ: viết một số nguyên kèm d "
            "(ngày), wd (ngày làm việc), h (giờ), m (phút) hoặc s (giây), ví dụ \"3wd\"",
            "plans/p.toml:11:22: error: mốc nhắc '7d' bị trùng",
            "plans/p.toml:13:1: error: nhiệm vụ 't1' chưa có thời hạn: khai báo 'due' hoặc "
            "'before'",
            "plans/p.toml:14:6: error: mã nhiệm vụ 't1' bị trùng (đã khai báo tại dòng 6)",
            "plans/p.toml:22:7: error: 'due' trong [[task]] phải là ngày (ví dụ 2020-11-04), "
            "ngày giờ (2020-11-04T10:00:00) hoặc quy tắc hạn như \"3wd before report\", không "
            "phải giờ",
        });
}

TEST_CASE("service problems: time zone, times, weekdays, monitor", "[config]") {
  std::string main = k_main;
  main.replace(main.find("monitor = \"vp\""), 14,
               "monitor = \"office\"\ntimezone = \"Asia/Hanoi\"\nsend_time = \"25:00\"\n"
               "workdays = [\"mon\", \"sunday\"]\nretry_initial = \"soon\"");
  CHECK(load_errors(main, k_plan_head) ==
        std::vector<std::string>{
            "main.toml:3:11: error: 'monitor' nêu đơn vị 'office' chưa được khai báo trong "
            "[units]",
            "main.toml:4:12: error: múi giờ 'Asia/Hanoi' không tồn tại; ví dụ "
            "\"Asia/Ho_Chi_Minh\"",
            "main.toml:5:13: error: giờ '25:00' của 'send_time' không hợp lệ: viết HH:MM, từ "
            "00:00 đến 23:59",
            "main.toml:6:20: error: ngày trong tuần 'sunday' không hợp lệ: dùng mon, tue, wed, "
            "thu, fri, sat hoặc sun",
            "main.toml:7:17: error: khoảng thời gian của 'retry_initial' trong [service] không "
            "hợp lệ: viết một số dương và đơn vị s (giây), m (phút), h (giờ) hoặc d (ngày), ví "
            "dụ \"30s\"",
            "plans/p.toml:1:1: warning: kế hoạch 'p' chưa có nhiệm vụ nào ([[task]])",
        });
}

TEST_CASE("secrets that cannot be read are errors that never show the secret", "[config]") {
  ::unsetenv("DEADLINED_TEST_UNSET");
  ::setenv("DEADLINED_TEST_BAD_SECRET", "not-a-whsec-value", 1);
  std::string main = k_main +
                     "webhooks = [\"chat\", \"ops\"]\n"
                     "\n"
                     "[webhooks.chat]\n"                    // 18
                     "url = \"http://127.0.0.1:1/hook\"\n"  // 19
                     "secret_file = \"missing-secret\"\n"   // 20
                     "\n"
                     "[webhooks.ops]\n"                                        // 22
                     "url = \"ftp://user:SeCrEtPw@example.org/?token=t0k\"\n"  // 23
                     "secret_env = \"DEADLINED_TEST_BAD_SECRET\"\n"            // 24
                     "\n"
                     "[webhooks.none]\n"                         // 26
                     "url = \"https://example.org/\"\n"          // 27
                     "secret_env = \"DEADLINED_TEST_UNSET\"\n";  // 28
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head);
  auto result = load_config(dir.write("main.toml", main));
  auto errors = messages(result.diagnostics, dir);
  REQUIRE(errors.size() == 5);
  CHECK(errors[0] == "main.toml:20:15: error: không đọc được tệp '" + dir.path().string() +
                         "/missing-secret' của secret_file: tệp không tồn tại");
  CHECK(errors[1] ==
        "main.toml:23:7: error: 'url' của webhook 'ftp://REDACTED@example.org/?REDACTED' không "
        "hợp lệ: viết địa chỉ http:// hoặc https://");
  CHECK(errors[2] ==
        "main.toml:24:14: error: khóa bí mật của [webhooks.ops] phải là 'whsec_' và chuỗi base64");
  CHECK(errors[3] ==
        "main.toml:28:14: error: biến môi trường 'DEADLINED_TEST_UNSET' mà secret_env nêu chưa "
        "được đặt hoặc trống");
  CHECK(errors[4] == "plans/p.toml:1:1: warning: kế hoạch 'p' chưa có nhiệm vụ nào ([[task]])");
  for (const auto& e : errors)
    CHECK(e.find("not-a-whsec-value") == std::string::npos);
}

TEST_CASE("unknown keys and tables at every level are errors", "[config]") {
  std::string main = k_main;
  main.replace(main.find("[email]"), 7, "[emial]");
  auto errors = load_errors(main, k_plan_head);
  REQUIRE(errors.size() >= 2);
  CHECK(errors[0] ==
        "main.toml: error: có đơn vị khai báo email nhưng cấu hình chưa có mục [email]");
  CHECK(errors[1] ==
        "main.toml:5:2: error: deadlined không dùng khóa 'emial' trong tệp cấu hình "
        "chính; có phải là 'email'?");
}

TEST_CASE("leads parse into kinds and amounts", "[config]") {
  using deadlined::config::parse_lead;
  CHECK(parse_lead("7d")->kind == Lead::Kind::calendar_days);
  CHECK(parse_lead("7d")->amount == 7);
  CHECK(parse_lead("3wd")->kind == Lead::Kind::working_days);
  CHECK(parse_lead("0d")->amount == 0);
  CHECK(parse_lead("2h")->amount == 7200);
  CHECK(parse_lead("30m")->amount == 1800);
  CHECK(parse_lead("45s")->amount == 45);
  for (const char* bad : {"", "d", "-1d", "3", "3 d", "3dd", "1.5h", "3w", "99999999999d"}) {
    CHECK_FALSE(parse_lead(bad));
  }
}

TEST_CASE("email transport problems, and no credentials in urls", "[config]") {
  std::string main = k_main;
  main.replace(main.find("transport = \"maildir\""), 21,
               "transport = \"smtp\"\nurl = \"smtp://user:hunter2@mail.example.org:587\"\n"
               "tls = \"always\"");
  auto errors = load_errors(main, k_plan_head);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] ==
        "main.toml:7:7: error: 'url' của SMTP không được chứa tên đăng nhập, mật khẩu; dùng "
        "'username' và 'password_file' hoặc 'password_env'");
  CHECK(errors[1] ==
        "main.toml:8:7: error: giá trị 'always' của 'tls' không hợp lệ: dùng "
        "\"required\" hoặc \"opportunistic\"");
  for (const auto& e : errors)
    CHECK(e.find("hunter2") == std::string::npos);

  main = k_main;
  main.replace(main.find("transport = \"maildir\""), 21, "transport = \"smtp\"");
  CHECK(load_errors(main, k_plan_head).front() ==
        "main.toml:5:1: error: thiếu khóa bắt buộc 'url' trong [email] khi transport = "
        "\"smtp\"");
}

TEST_CASE("hostile plan files: binary, oversized, a folder, a symlink loop", "[config]") {
  TempDir dir;
  dir.write("plans/a-binary.toml", std::string("[plan]\0id = 1\n", 14));
  dir.write("plans/b-huge.toml", std::string(17 * 1024 * 1024, '#'));
  std::filesystem::create_directories(dir.path() / "plans" / "c-folder.toml");
  std::filesystem::create_symlink("d-loop.toml", dir.path() / "plans" / "d-loop.toml");
  auto result = load_config(dir.write("main.toml", k_main));
  CHECK_FALSE(result.config);
  CHECK(messages(result.diagnostics, dir) ==
        std::vector<std::string>{
            "plans/a-binary.toml: error: không đọc được tệp: đây là tệp nhị phân, không phải "
            "TOML",
            "plans/b-huge.toml: error: không đọc được tệp: tệp quá lớn (17825792 byte; giới hạn "
            "là 16 MiB)",
            "plans/c-folder.toml: error: không đọc được tệp: đây là một thư mục",
            "plans/d-loop.toml: error: không đọc được tệp: đường dẫn có vòng lặp liên kết tượng "
            "trưng (symlink)",
        });
}

TEST_CASE("secrets from systemd credentials", "[config]") {
  TempDir dir;
  // base64 of "a-secret-key-of-32-bytes-length!", 32 bytes.
  dir.write("credentials/hook", "whsec_YS1zZWNyZXQta2V5LW9mLTMyLWJ5dGVzLWxlbmd0aCE=\n");
  std::string main = k_main +
                     "webhooks = [\"chat\"]\n"
                     "[webhooks.chat]\n"
                     "url = \"http://127.0.0.1:1/hook\"\n"
                     "secret_credential = \"hook\"\n";
  dir.write("plans/p.toml", k_plan_head);
  ::setenv("CREDENTIALS_DIRECTORY", (dir.path() / "credentials").c_str(), 1);
  auto result = load_config(dir.write("main.toml", main));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  REQUIRE(result.config);
  CHECK(result.config->webhooks.at("chat").secret.value == "a-secret-key-of-32-bytes-length!");

  // Standard Webhooks keys are 24 to 64 bytes: 23 are refused, where the secret is named.
  dir.write("credentials/hook",
            "whsec_" + deadlined::codec::base64_encode(std::string(23, 'k')) + "\n");
  ::setenv("CREDENTIALS_DIRECTORY", (dir.path() / "credentials").c_str(), 1);
  auto short_key = load_config(dir.path() / "main.toml");
  dir.write("credentials/hook",
            "whsec_" + deadlined::codec::base64_encode(std::string(24, 'k')) + "\n");
  auto shortest = load_config(dir.path() / "main.toml");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  CHECK_FALSE(short_key.config);
  CHECK(messages(short_key.diagnostics, dir).front() ==
        std::string{
            "main.toml:19:21: error: khóa bí mật của [webhooks.chat] chỉ có 23 byte; cần ít nhất "
            "24 byte ngẫu nhiên (Standard Webhooks), ví dụ whsec_ và base64 của 32 byte"});
  REQUIRE(shortest.config);
  CHECK(shortest.config->webhooks.at("chat").secret.value == std::string(24, 'k'));

  auto without = load_config(dir.path() / "main.toml");
  CHECK(messages(without.diagnostics, dir).front() ==
        "main.toml:19:21: error: 'secret_credential' cần LoadCredential= của systemd (biến "
        "CREDENTIALS_DIRECTORY chưa được đặt)");
}

TEST_CASE("holiday rules are Vietnamese by default and can be switched off", "[config]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head);
  std::string main = k_main;
  auto good = load_config(dir.write("main.toml", main));
  REQUIRE(good.config);
  CHECK(good.config->service.vietnam_holidays);
  main.replace(main.find("monitor = \"vp\""), 14, "monitor = \"vp\"\nholiday_rules = \"none\"");
  auto none = load_config(dir.write("main.toml", main));
  REQUIRE(none.config);
  CHECK_FALSE(none.config->service.vietnam_holidays);
  main.replace(main.find("\"none\""), 6, "\"china\"");
  CHECK(load_errors(main, k_plan_head) ==
        std::vector<std::string>{
            "main.toml:4:17: error: giá trị 'china' của 'holiday_rules' không hợp lệ: dùng "
            "\"vietnam\" hoặc \"none\"",
            "plans/p.toml:1:1: warning: kế hoạch 'p' chưa có nhiệm vụ nào ([[task]])"});
}

TEST_CASE("a task may keep a deadline on a non-working day", "[config]") {
  TempDir dir;
  std::string task = k_plan_head +
                     "[[task]]\nid = \"t\"\ntitle = \"x\"\nresponsible = [\"a\"]\n"
                     "due = 2020-11-07\nnon_working_day = \"keep\"\n";
  dir.write("plans/p.toml", task);
  auto kept = load_config(dir.write("main.toml", k_main));
  REQUIRE(kept.config);
  CHECK_FALSE(kept.config->plans[0].tasks[0].move_off_non_working_day);
  task.replace(task.find("\"keep\""), 6, "\"later\"");
  CHECK(load_errors(k_main, task) ==
        std::vector<std::string>{
            "plans/p.toml:10:19: error: giá trị 'later' của 'non_working_day' không hợp lệ: dùng "
            "\"next\" hoặc \"keep\""});
}

TEST_CASE("holiday decisions load from the files the holidays globs name", "[config]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head +
                                "[[task]]\nid = \"t\"\ntitle = \"x\"\n"
                                "responsible = [\"a\"]\ndue = 2025-05-05\n");
  dir.write("holidays/2025.toml",
            "[[decision]]\n"
            "year = 2025\n"
            "occasion = \"30-4-1-5\"\n"
            "source = \"Thông báo 2025\"\n"
            "swap_off = [2025-05-02]\n"
            "work = [2025-04-26]\n"
            "\n"
            "[[decision]]\n"
            "year = 2025\n"
            "occasion = \"tet-nguyen-dan\"\n"
            "source = \"Thông báo Tết 2025\"\n"
            "off = [{ from = 2025-01-25, to = 2025-02-02 }]\n");
  std::string main = k_main;
  main.replace(main.find("monitor = \"vp\""), 14,
               "monitor = \"vp\"\nholidays = [\"holidays/*.toml\"]");
  auto loaded = load_config(dir.write("main.toml", main));
  REQUIRE(loaded.config);
  const auto& decisions = loaded.config->service.decisions;
  REQUIRE(decisions.size() == 2);
  CHECK(decisions[0].occasion == deadlined::calendar::Occasion::victory_labour);
  CHECK(decisions[0].source == "Thông báo 2025");
  CHECK(decisions[0].work.size() == 1);
  CHECK(decisions[1].off.size() == 9);
  CHECK(loaded.config->service.holidays_where.line == 4);
}

TEST_CASE("holiday files: every mistake is reported where it is", "[config]") {
  TempDir dir;
  dir.write("plans/p.toml", k_plan_head +
                                "[[task]]\nid = \"t\"\ntitle = \"x\"\n"
                                "responsible = [\"a\"]\ndue = 2025-05-05\n");
  dir.write("holidays/a.toml",
            "[[decision]]\n"                                                         // 1
            "year = 2025\n"                                                          // 2
            "occasion = \"tet\"\n"                                                   // 3
            "source = \"x\"\n"                                                       // 4
            "\n"                                                                     // 5
            "[[decision]]\n"                                                         // 6
            "year = 2025\n"                                                          // 7
            "occasion = \"30-4-1-5\"\n"                                              // 8
            "source = \"x\"\n"                                                       // 9
            "off = [2024-12-31, { from = 2025-05-03, to = 2025-05-01 }, \"2/5\"]\n"  // 10
            "work = [2025-04-28]\n"                                                  // 11
            "wrok = []\n"                                                            // 12
            "\n"                                                                     // 13
            "[[decision]]\n"                                                         // 14
            "year = 2025\n"                                                          // 15
            "occasion = \"30-4-1-5\"\n"                                              // 16
            "source = \"again\"\n"                                                   // 17
            "\n"                                                                     // 18
            "[[decision]]\n"                                                         // 19
            "year = 2026\n"                                                          // 20
            "occasion = \"gio-to\"\n"                                                // 21
            "source = \"forgot the nghỉ bù\"\n");                                    // 22
  std::string main = k_main;
  main.replace(main.find("monitor = \"vp\""), 14,
               "monitor = \"vp\"\nholidays = [\"holidays/*.toml\", \"holidays/*.txt\"]");
  dir.write("main.toml", main);
  auto result = load_config(dir.path() / "main.toml");
  CHECK_FALSE(result.config);
  CHECK(messages(result.diagnostics, dir) ==
        std::vector<std::string>{
            "holidays/a.toml:3:12: error: dịp nghỉ 'tet' không hợp lệ: dùng một trong "
            "\"tet-duong-lich\", \"tet-nguyen-dan\", \"gio-to\", \"30-4-1-5\", \"quoc-khanh\"",
            "holidays/a.toml:10:8: error: ngày 31/12/2024 trong 'off' ở [[decision]] không thuộc "
            "năm 2025 của quyết định",
            "holidays/a.toml:10:20: error: khoảng ngày này trong 'off' ở [[decision]] có ngày kết "
            "thúc trước ngày bắt đầu",
            "holidays/a.toml:10:60: error: 'off' ở [[decision]] chỉ được chứa ngày hoặc khoảng { "
            "from = ..., to = ... }, không chứa chuỗi",
            "holidays/a.toml:11:8: error: ngày 28/04/2025 trong 'work' vốn là ngày làm việc; "
            "'work' chỉ ghi các ngày nghỉ hằng tuần phải đi làm (làm bù)",
            "holidays/a.toml:12:1: error: deadlined không dùng khóa 'wrok' trong [[decision]]; có "
            "phải là 'work'?",
            "holidays/a.toml:14:1: error: quyết định cho dịp '30-4-1-5' năm 2025 đã được khai báo "
            "tại " +
                (dir.path() / "holidays/a.toml").string() + ":6:1",
            "holidays/a.toml:19:1: warning: Giỗ Tổ Hùng Vương (ngày 26/04/2026) trùng ngày nghỉ "
            "hằng tuần nhưng quyết định này không cho nghỉ bù ngày nào trong tuần sau đó (Bộ "
            "luật Lao động 2019, Điều 111); ghi ngày nghỉ bù vào 'compensatory'",
            "main.toml:4:32: warning: mẫu 'holidays/*.txt' trong 'holidays' không khớp với tệp "
            "nào",
        });
}

TEST_CASE("a load keeps at most 100 diagnostics and says how many more there were", "[config]") {
  TempDir dir;
  std::string leads = "leads = [";
  for (int i = 0; i < 5000; ++i)
    leads += "\"1d\", ";
  leads += "\"1d\"]\n";
  dir.write("plans/p.toml", k_plan_head +
                                "[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\n"
                                "responsible = [\"a\"]\ndue = 2030-01-11\n" +
                                leads);
  auto loaded = load_config(dir.write("main.toml", k_main));
  CHECK_FALSE(loaded.config);
  CHECK(loaded.diagnostics.size() == deadlined::config::k_max_diagnostics);
  CHECK(loaded.errors == 5000);  // every duplicate is counted
  CHECK(loaded.omitted == 5000 - deadlined::config::k_max_diagnostics);
  CHECK(messages(loaded.diagnostics, dir).front() ==
        "plans/p.toml:10:16: error: mốc nhắc '1d' bị trùng");
  CHECK(loaded.omitted_note() ==
        "còn 4900 vấn đề khác chưa hiển thị; tổng cộng 5000 lỗi. Đề nghị sửa các lỗi trên rồi "
        "kiểm tra lại.");
  // A load with few problems keeps them all and has no note.
  dir.write("plans/p.toml", k_plan_head);
  auto few = load_config(dir.path() / "main.toml");
  CHECK(few.omitted == 0);
  CHECK(few.omitted_note().empty());
}

TEST_CASE("times of day are read with or without the hour's leading zero", "[config]") {
  using deadlined::config::parse_time_of_day;
  CHECK(parse_time_of_day("8:00") == std::chrono::minutes{8 * 60});
  CHECK(parse_time_of_day("08:00") == std::chrono::minutes{8 * 60});
  CHECK(parse_time_of_day("17:30") == std::chrono::minutes{17 * 60 + 30});
  CHECK_FALSE(parse_time_of_day("8:0"));
  CHECK_FALSE(parse_time_of_day("24:00"));
  CHECK_FALSE(parse_time_of_day("8h00"));
  CHECK_FALSE(parse_time_of_day(""));
}
