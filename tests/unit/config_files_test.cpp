// Files the loader reads: only regular ones, and never by waiting on a FIFO.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "config/loader.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

constexpr const char* k_plan =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\n"
    "responsible = [\"a\"]\ndue = 2026-03-06\n";

/// Loads `main` on a thread of its own: the diagnostics, or none and `hung` when it had not
/// returned after 10 s (then `unblock` runs, so that the thread can end).
std::vector<std::string> load_within(const std::filesystem::path& main, bool& hung,
                                     const std::function<void()>& unblock) {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  std::vector<std::string> out;
  std::thread loader([&] {
    auto loaded = config::load_config(main);
    std::lock_guard lock(mutex);
    for (const auto& d : loaded.diagnostics)
      out.push_back(d.to_string());
    finished = true;
    done.notify_one();
  });
  {
    std::unique_lock lock(mutex);
    hung = !done.wait_for(lock, std::chrono::seconds{10}, [&] { return finished; });
  }
  if (hung) unblock();
  loader.join();
  return hung ? std::vector<std::string>{} : out;
}

}  // namespace

TEST_CASE("a FIFO among the plan files or as a secret_file is refused without waiting",
          "[config]") {
  test::TempDir dir;
  dir.write("plans/a.toml", k_plan);
  auto fifo = dir.path() / "plans" / "b.toml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto secret = dir.path() / "link.key";
  REQUIRE(::mkfifo(secret.c_str(), 0600) == 0);
  // A writer holds each FIFO open with a plan in it: a reader that opens it gets the text
  // and then waits for an end that never comes.
  int plan_writer = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  int secret_writer = ::open(secret.c_str(), O_RDWR | O_NONBLOCK);
  REQUIRE(plan_writer >= 0);
  REQUIRE(secret_writer >= 0);
  REQUIRE(::write(plan_writer, k_plan, std::strlen(k_plan)) > 0);
  REQUIRE(::write(secret_writer, "0123456789abcdef0123456789abcdef\n", 33) == 33);
  auto main =
      dir.write("main.toml",
                "[service]\nplans = [\"plans/*.toml\"]\n\n[email]\ntransport = \"maildir\"\n"
                "from = \"Văn phòng <vp@example.org>\"\n\n[http]\nlisten = \"127.0.0.1:0\"\n"
                "secret_file = \"link.key\"\n\n"
                "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n");
  bool hung = false;
  auto diagnostics = load_within(main, hung, [&] {
    ::close(plan_writer);
    ::close(secret_writer);
    plan_writer = secret_writer = -1;
  });
  if (plan_writer >= 0) ::close(plan_writer);
  if (secret_writer >= 0) ::close(secret_writer);
  REQUIRE_FALSE(hung);
  auto has = [&](const std::string& text) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const std::string& d) { return d.find(text) != std::string::npos; });
  };
  INFO(Catch::Detail::stringify(diagnostics));
  CHECK(has(fifo.string() + ": error: không đọc được tệp: đây không phải là tệp thông thường "
                            "(là FIFO, socket hoặc thiết bị)"));
  CHECK(has("không đọc được tệp '" + secret.string() +
            "' của secret_file: đây không phải là tệp thông thường (là FIFO, socket hoặc thiết "
            "bị)"));
}

TEST_CASE("control characters that would reach a protocol are refused where they are written",
          "[config]") {
  test::TempDir dir;
  dir.write("plans/a.toml", k_plan);
  dir.write("link.key", "0123456789abcdef0123456789abcdef\n");
  auto main = dir.write(
      "main.toml",
      "[service]\nplans = [\"plans/*.toml\"]\n\n"
      "[email]\ntransport = \"smtp\"\nurl = \"smtp://mail.example.org:25\\r\\nRSET\"\n"
      "from = \"Văn phòng <vp@example.org>\"\n\n"
      "[http]\nlisten = \"127.0.0.1:8765\"\nsecret_file = \"link.key\"\n"
      "public_url = \"https://nhacviec.example.org/\\r\\nSet-Cookie: pwn=1\"\n\n"
      "[webhooks.chat]\nurl = \"https://chat.example.org/hook\"\n"
      "headers = { \"X-Token\" = \"abc\\r\\nX-Injected: 1\", \"Bad Name\" = \"x\", "
      "\"X-Tab\" = \"a\\tb\" }\n\n"
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\nwebhooks = [\"chat\"]\n");
  auto loaded = config::load_config(main);
  std::vector<std::string> diagnostics;
  for (const auto& d : loaded.diagnostics)
    diagnostics.push_back(d.to_string());
  const std::string m = main.string();
  CHECK_FALSE(loaded.config);
  CHECK(diagnostics ==
        std::vector<std::string>{
            m + ":6:7: error: 'url' của SMTP không được chứa ký tự điều khiển",
            m + ":12:14: error: 'public_url' không được chứa ký tự điều khiển (ký tự CR hoặc LF "
                "sẽ cắt đôi các phản hồi HTTP có chứa nó)",
            m + ":16:25: error: header 'X-Token' trong [webhooks.chat] không được chứa ký tự "
                "điều khiển (ký tự CR hoặc LF sẽ thêm header vào mọi yêu cầu)",
            m + ":16:49: error: tên header 'Bad Name' trong [webhooks.chat] không hợp lệ: chỉ "
                "dùng chữ cái không dấu, chữ số và !#$%&'*+-.^_`|~",
        });
}

TEST_CASE("office accounts of the desk: each with a name and a token of its own", "[config]") {
  test::TempDir dir;
  dir.write("plans/a.toml", k_plan);
  dir.write("link.key", "0123456789abcdef0123456789abcdef\n");
  dir.write("hang.token", "hang-0123456789abcdef\n");
  dir.write("binh.token", "binh-0123456789abcdef\n");
  dir.write("short.token", "short\n");
  const std::string head =
      "[service]\nplans = [\"plans/*.toml\"]\n\n"
      "[email]\ntransport = \"maildir\"\nfrom = \"Văn phòng <vp@example.org>\"\n\n"
      "[units.a]\nname = \"Phòng A\"\nemail = [\"a@example.org\"]\n\n"
      "[http]\nlisten = \"127.0.0.1:8765\"\nsecret_file = \"link.key\"\n";
  SECTION("read") {
    auto loaded = config::load_config(
        dir.write("main.toml", head + "[http.office.nguyen-thi-hang]\nname = \"Nguyễn Thị Hằng\"\n"
                                      "token_file = \"hang.token\"\n"
                                      "[http.office.binh]\ntoken_file = \"binh.token\"\n"));
    for (const auto& d : loaded.diagnostics)
      UNSCOPED_INFO(d.to_string());
    REQUIRE(loaded.config);
    const auto& office = loaded.config->http.office;
    REQUIRE(office.size() == 2);
    CHECK(office[0].id == "binh");  // TOML tables iterate by key
    CHECK(office[0].name == "binh");
    CHECK(office[1].name == "Nguyễn Thị Hằng");
    CHECK(office[1].token.value == "hang-0123456789abcdef");
  }
  SECTION("refused: no token, a short one, a shared one, a bad id, an unknown key") {
    auto main = dir.write("main.toml",
                          head +
                              "[http.office.khong-mat-khau]\nname = \"A\"\n"        // 15
                              "[http.office.ngan]\ntoken_file = \"short.token\"\n"  // 17
                              "[http.office.hang]\ntoken_file = \"hang.token\"\n"
                              "[http.office.hang2]\ntoken_file = \"hang.token\"\n"
                              "[http.office.\"Hằng\"]\ntoken_file = \"binh.token\"\n"  // 23
                              "[http.office.binh]\ntoken_file = \"binh.token\"\nten = \"B\"\n");
    auto loaded = config::load_config(main);
    std::vector<std::string> diagnostics;
    for (const auto& d : loaded.diagnostics)
      diagnostics.push_back(d.to_string());
    const std::string m = main.string();
    CHECK_FALSE(loaded.config);
    // A shared token is reported at [http] (line 12), naming the account.
    CHECK(diagnostics ==
          std::vector<std::string>{
              m + ":12:1: error: tài khoản 'hang2' của [http.office] dùng chung mật khẩu với "
                  "tài khoản khác: mỗi tài khoản cần mật khẩu riêng để nhật ký ghi đúng người "
                  "thao tác",
              m + ":15:1: error: [http.office.khong-mat-khau] cần mật khẩu: khai báo "
                  "'token_file', 'token_env' hoặc 'token_credential'",
              m + ":17:1: error: mật khẩu của [http.office.ngan] quá ngắn: dùng ít nhất 16 ký "
                  "tự, ví dụ tạo bằng `openssl rand -base64 24`",
              m + ":23:14: error: tên tài khoản 'Hằng' không hợp lệ: chỉ gồm chữ cái không dấu, "
                  "chữ số, '-' và '_'; viết 'Hang'",
              m + ":27:1: error: deadlined không dùng khóa 'ten' trong [http.office.binh]",
          });
  }
}
