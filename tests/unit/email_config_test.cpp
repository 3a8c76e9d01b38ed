// The [email] section and the units' addresses: what reaches an SMTP dialogue or a header
// is checked at load, where it is written.
#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

const std::string k_plan =
    "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\ntitle = \"Báo cáo\"\n"
    "responsible = [\"a\"]\ndue = 2026-03-06\n";

/// A main file: `email` is the body of [email]; unit a has the addresses `emails`.
std::string main_with(const std::string& email, const std::string& emails) {
  return "[service]\n"                      // 1
         "plans = [\"plans/*.toml\"]\n"     // 2
         "monitor = \"vp\"\n"               // 3
         "[units.vp]\n"                     // 4
         "name = \"Văn phòng\"\n"           // 5
         "email = [\"vp@stnmt.gov.vn\"]\n"  // 6
         "[units.a]\n"                      // 7
         "name = \"Phòng A\"\n"             // 8
         "email = " +
         emails +
         "\n"  // 9
         "[email]\n" +
         email;  // 10, 11...
}

/// The diagnostics of loading `main`, paths relative to the folder.
std::vector<std::string> diagnostics(const std::string& main,
                                     std::shared_ptr<const config::Config>* config = nullptr) {
  test::TempDir dir;
  dir.write("plans/p.toml", k_plan);
  auto loaded = config::load_config(dir.write("main.toml", main));
  std::vector<std::string> out;
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : loaded.diagnostics) {
    std::string text = d.to_string();
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    out.push_back(text);
  }
  if (config) *config = loaded.config;
  return out;
}

const std::string k_smtp = "transport = \"smtp\"\nurl = \"smtp://mail.stnmt.gov.vn:587\"\n";

}  // namespace

TEST_CASE("non-ASCII addresses are refused where they are written", "[config][email]") {
  std::string from = "from = \"Văn phòng <vp@stnmt.gov.vn>\"\n";
  CHECK(diagnostics(main_with(k_smtp + from, "[\"a@stnmt.gov.vn\", \"người@stnmt.gov.vn\"]")) ==
        std::vector<std::string>{
            "main.toml:9:28: error: địa chỉ email 'người@stnmt.gov.vn' trong [units.a] có ký tự "
            "ngoài bảng mã ASCII (chữ có dấu): deadlined không gửi thư quốc tế hóa (SMTPUTF8, "
            "RFC 6531); dùng địa chỉ không dấu, tên miền quốc tế viết ở dạng xn--"});
  // The domain alone is enough: it goes into the header as it is written.
  CHECK(diagnostics(main_with(k_smtp + "from = \"Văn phòng <vp@sở.gov.vn>\"\n",
                              "[\"a@xn--s-lym.gov.vn\"]")) ==
        std::vector<std::string>{
            "main.toml:13:8: error: địa chỉ 'from' 'vp@sở.gov.vn' có ký tự ngoài bảng mã ASCII "
            "(chữ có dấu): deadlined không gửi thư quốc tế hóa (SMTPUTF8, RFC 6531); dùng địa "
            "chỉ không dấu, tên miền quốc tế viết ở dạng xn--"});
  std::shared_ptr<const config::Config> config;
  CHECK(diagnostics(main_with(k_smtp + from, "[\"a@xn--s-lym.gov.vn\"]"), &config).empty());
  REQUIRE(config);
  CHECK(config->units.at("a").emails == std::vector<std::string>{"a@xn--s-lym.gov.vn"});
}

TEST_CASE("helo_name: a domain name or an address literal, for SMTP only", "[config][email]") {
  std::string from = "from = \"vp@stnmt.gov.vn\"\n";
  for (std::string good :
       {"mail.stnmt.gov.vn", "[192.0.2.1]", "[IPv6:2001:db8::1]", "may-chu-01.tphcm.gov.vn"}) {
    std::shared_ptr<const config::Config> config;
    INFO(good);
    CHECK(diagnostics(
              main_with(k_smtp + from + "helo_name = \"" + good + "\"\n", "[\"a@stnmt.gov.vn\"]"),
              &config)
              .empty());
    REQUIRE(config);
    CHECK(config->email.helo_name == good);
  }
  for (std::string bad : {"vm", "mail..gov.vn", "-mail.gov.vn", "[192.0.2]", "[::1]",
                          "mail.gov.vn.", "máy.gov.vn", "a b.gov.vn"}) {
    INFO(bad);
    CHECK(diagnostics(
              main_with(k_smtp + from + "helo_name = \"" + bad + "\"\n", "[\"a@stnmt.gov.vn\"]")) ==
          std::vector<std::string>{"main.toml:14:13: error: 'helo_name' '" + bad +
                                   "' không hợp lệ: viết tên miền đầy đủ của máy này "
                                   "(mail.stnmt.gov.vn) hoặc địa chỉ IP trong ngoặc vuông "
                                   "([192.0.2.1])"});
  }
  CHECK(diagnostics(main_with("transport = \"maildir\"\n" + from + "helo_name = \"a.b.vn\"\n",
                              "[\"a@stnmt.gov.vn\"]")) ==
        std::vector<std::string>{
            "main.toml:13:13: error: 'helo_name' chỉ dùng với transport = \"smtp\""});
}

TEST_CASE("an SMTP url with a path is refused: libcurl sends the path as the EHLO name",
          "[config][email]") {
  std::string from = "from = \"vp@stnmt.gov.vn\"\n";
  CHECK(diagnostics(main_with("transport = \"smtp\"\nurl = \"smtp://mail.gov.vn:587/vm\"\n" + from,
                              "[\"a@stnmt.gov.vn\"]")) ==
        std::vector<std::string>{
            "main.toml:12:7: error: 'url' của SMTP không được có đường dẫn (libcurl sẽ gửi nó "
            "làm tên EHLO); thay vào đó, đặt 'helo_name'"});
  CHECK(diagnostics(main_with("transport = \"smtp\"\nurl = \"smtp://mail.gov.vn:587/\"\n" + from,
                              "[\"a@stnmt.gov.vn\"]"))
            .empty());
}
