#include <catch2/catch.hpp>
#include "http/extensions.hpp"
#include "journal/journal.hpp"

#include "codec/token.hpp"

#include <algorithm>
#include "config/loader.hpp"
#include "http/http.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;

namespace {

/// A daemon as the HTTP endpoints see it: a loaded config, a real journal, a fixed clock.
class FakeBackend final : public http::Backend {
 public:
  static constexpr const char* k_plan =
      "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n\n[[task]]\nid = \"t\"\n"
      "title = \"Báo cáo <b>\\\"quý\\\"</b>\"\nresponsible = [\"a\"]\n"
      "coordinating = [\"b\"]\nrecur = \"quarterly\"\ndue = \"day 20 of next month\"\n";

  explicit FakeBackend(const std::string& plan = k_plan) {
    dir_.write("secret", "a-signing-key-of-enough-length\n");
    dir_.write("plans/p.toml", plan);
    auto loaded = config::load_config(
        dir_.write("main.toml",
                   "[service]\nplans = [\"plans/*.toml\"]\n\n[email]\ntransport = \"maildir\"\n"
                   "from = \"Văn phòng <vp@example.org>\"\n\n[http]\npublic_url = "
                   "\"https://deadlined.example.gov.vn/\"\nsecret_file = \"secret\"\n\n"
                   "[units.a]\nname = \"Phòng <A>\"\nemail = [\"a@example.org\"]\n\n"
                   "[units.b]\nname = \"Phòng B\"\nemail = [\"b@example.org\"]\n\n"
                   "[units.c]\nname = \"Phòng C\"\nemail = [\"c@example.org\"]\n"));
    REQUIRE(loaded.config);
    config_ = loaded.config;
    journal_ = std::make_unique<journal::Journal>(dir_.path() / "journal.sqlite");
  }

  std::shared_ptr<const config::Config> config() override { return config_; }
  journal::Store& journal() override { return *journal_; }
  config::SysSeconds now() override { return now_; }
  std::shared_ptr<const schedule::Extensions> extensions() override {
    return http::read_extensions(*config_, *journal_);
  }
  void extensions_changed() override { ++extension_changes; }
  int extension_changes = 0;
  http::Metrics metrics() override {
    http::Metrics m;
    m.channels["email"] = {5, 1, 2, {}};
    m.channels["webhook:zalo"] = {1, 0, 0, 480};
    m.queued = 3;
    m.journal_bytes = 4096;
    return m;
  }

  std::string token(const std::string& unit, std::int64_t expires = 1900000000) const {
    return codec::sign_ack(config_->http.secret.value, {"p", "t", "2026-Q3", unit, expires});
  }

  config::SysSeconds now_{std::chrono::seconds{1790000000}};  // 2026-09-21

 private:
  test::TempDir dir_;
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<journal::Journal> journal_;
};

http::Response get(FakeBackend& backend, const std::string& target) {
  http::Request request;
  request.method = "GET";
  request.target = target;
  request.remote = "192.0.2.1";
  return http::handle(backend, request);
}

http::Response post(FakeBackend& backend, const std::string& target, const std::string& body,
                    const std::string& origin = {}) {
  http::Request request;
  request.method = "POST";
  request.target = target;
  request.body = body;
  request.remote = "192.0.2.1";
  request.headers["content-type"] = "application/x-www-form-urlencoded";
  if (!origin.empty()) request.headers["origin"] = origin;
  return http::handle(backend, request);
}

std::string header(const http::Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

std::string csrf_of(const std::string& page) {
  auto at = page.find("name=\"csrf\" value=\"");
  REQUIRE(at != std::string::npos);
  at += 19;
  return page.substr(at, page.find('"', at) - at);
}

const journal::Target k_a{"p", "t", "2026-Q3", "a"};

}  // namespace

TEST_CASE("the confirmation page shows the task, escaped, and changes nothing", "[http][ack]") {
  FakeBackend backend;
  auto r = get(backend, "/ack/" + backend.token("a"));
  CHECK(r.status == 200);
  CHECK(r.body.find("Báo cáo &lt;b&gt;&quot;quý&quot;&lt;/b&gt; quý III/2026") !=
        std::string::npos);
  CHECK(r.body.find("<b>") == std::string::npos);
  CHECK(r.body.find("Phòng &lt;A&gt;") != std::string::npos);
  CHECK(r.body.find("<form method=\"post\">") != std::string::npos);
  CHECK(header(r, "X-Frame-Options") == "DENY");
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(header(r, "Content-Security-Policy").find("default-src 'none'") != std::string::npos);
  CHECK(header(r, "Cache-Control") == "no-store");
  CHECK(backend.journal().history(k_a).empty());
}

TEST_CASE("a POST with the page's CSRF token confirms exactly its own task and unit",
          "[http][ack]") {
  FakeBackend backend;
  std::string target = "/ack/" + backend.token("a");
  std::string csrf = csrf_of(get(backend, target).body);
  auto r = post(backend, target, "csrf=" + csrf + "&note=S%E1%BB%91+12%2FBC%0Ax%01y",
                "https://deadlined.example.gov.vn");
  CHECK(r.status == 303);
  CHECK(header(r, "Location") == "https://deadlined.example.gov.vn" + target);
  auto trail = backend.journal().history(k_a);
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].confirmed);
  CHECK(trail[0].actor == "link");
  CHECK(trail[0].origin == "192.0.2.1");
  CHECK(trail[0].note == "Số 12/BC\nxy");
  CHECK_FALSE(backend.journal().is_confirmed({"p", "t", "2026-Q3", "b"}));
  CHECK_FALSE(backend.journal().is_confirmed({"p", "t", "2026-Q2", "a"}));
  // The page now says so; a second POST adds nothing.
  CHECK(get(backend, target).body.find("Đã xác nhận hoàn thành") != std::string::npos);
  CHECK(post(backend, target, "csrf=" + csrf).status == 303);
  CHECK(backend.journal().history(k_a).size() == 1);
}

TEST_CASE("forged, cross-unit, expired and cross-site requests are refused", "[http][ack]") {
  FakeBackend backend;
  std::string token_a = backend.token("a");
  std::string token_b = backend.token("b");
  std::string mac_a = token_a.substr(token_a.rfind('.'));
  std::string b_with_a_mac = token_b.substr(0, token_b.rfind('.')) + mac_a;
  CHECK(get(backend, "/ack/" + b_with_a_mac).status == 404);
  CHECK(get(backend, "/ack/" + token_a + "x").status == 404);
  CHECK(get(backend, "/ack/p.t.2026-Q3.a").status == 404);
  CHECK(get(backend, "/ack/" + backend.token("a", 1780000000)).status == 410);
  CHECK(get(backend, "/ack/" + backend.token("nobody")).status == 404);
  // A unit the config knows, with no part in the task: refused, as `deadlined ack` does.
  CHECK(get(backend, "/ack/" + backend.token("c")).status == 404);
  CHECK(post(backend, "/ack/" + backend.token("c"), "csrf=x", "https://deadlined.example.gov.vn")
            .status == 404);
  CHECK(backend.journal().history({"p", "t", "2026-Q3", "c"}).empty());
  std::string target = "/ack/" + token_a;
  std::string csrf = csrf_of(get(backend, target).body);
  CHECK(post(backend, target, "note=x").status == 403);
  CHECK(post(backend, target, "csrf=" + csrf_of(get(backend, "/ack/" + token_b).body)).status ==
        403);
  CHECK(post(backend, target, "csrf=" + csrf, "https://evil.example").status == 403);
  CHECK(post(backend, target, "csrf=" + csrf, "null").status == 403);  // no Sec-Fetch-Site
  CHECK(post(backend, "/ack/" + b_with_a_mac, "csrf=" + csrf).status == 404);
  CHECK(backend.journal().history(k_a).empty());
  CHECK(backend.journal().history({"p", "t", "2026-Q3", "b"}).empty());
}

TEST_CASE("health, metrics, unknown paths and methods", "[http]") {
  FakeBackend backend;
  CHECK(get(backend, "/healthz").body == "ok\n");
  auto metrics = get(backend, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find(
            "deadlined_deliveries_total{channel=\"email\",outcome=\"delivered\"} 5\n") !=
        std::string::npos);
  CHECK(metrics.body.find("deadlined_retries_total{channel=\"email\"} 2\n") != std::string::npos);
  // The daily quota left, where the provider says it (Zalo ZNS), and only there.
  CHECK(metrics.body.find("deadlined_provider_quota_remaining{channel=\"webhook:zalo\"} 480\n") !=
        std::string::npos);
  CHECK(metrics.body.find("deadlined_provider_quota_remaining{channel=\"email\"}") ==
        std::string::npos);
  CHECK(metrics.body.find("deadlined_queue_size 3\n") != std::string::npos);
  CHECK(metrics.body.find("# TYPE deadlined_journal_size_bytes gauge\n") != std::string::npos);
  CHECK(get(backend, "/../../etc/passwd").status == 404);
  // `/` is the desk, as /status: off without an Office account or admin token.
  auto root = get(backend, "/");
  CHECK(root.status == 404);
  CHECK(root.body.find("Trang theo dõi chưa được bật") != std::string::npos);
  http::Request put;
  put.method = "PUT";
  put.target = "/ack/x";
  auto r = http::handle(backend, put);
  CHECK(r.status == 405);
  CHECK(header(r, "Allow") == "GET, HEAD, POST");
  auto refused = post(backend, "/metrics", "");
  CHECK(refused.status == 405);
  CHECK(header(refused, "Allow") == "GET, HEAD");
  // HEAD is answered wherever GET is (the server then sends the head only).
  for (const std::string& path :
       std::vector<std::string>{"/healthz", "/metrics", "/ack/" + backend.token("a"), "/"}) {
    http::Request head;
    head.method = "HEAD";
    head.target = path;
    auto as_get = get(backend, path);
    auto answer = http::handle(backend, head);
    CHECK(answer.status == as_get.status);
    CHECK(answer.body.size() == as_get.body.size());
  }
}

TEST_CASE("a browser that hides the origin of a same-origin form can still confirm",
          "[http][ack]") {
  FakeBackend backend;
  std::string target = "/ack/" + backend.token("a");
  auto page = get(backend, target);
  CHECK(header(page, "Referrer-Policy") == "same-origin");
  http::Request request;
  request.method = "POST";
  request.target = target;
  request.body = "csrf=" + csrf_of(page.body);
  request.remote = "192.0.2.1";
  request.headers["origin"] = "null";
  request.headers["sec-fetch-site"] = "cross-site";
  CHECK(http::handle(backend, request).status == 403);
  request.headers["sec-fetch-site"] = "same-origin";
  CHECK(http::handle(backend, request).status == 303);
  CHECK(backend.journal().is_confirmed(k_a));
}

TEST_CASE("a confirmation POST replayed after the Office reopened the task is refused",
          "[http][ack]") {
  FakeBackend backend;
  std::string target = "/ack/" + backend.token("a");
  const std::string origin = "https://deadlined.example.gov.vn";
  std::string csrf = csrf_of(get(backend, target).body);
  CHECK(post(backend, target, "csrf=" + csrf, origin).status == 303);
  REQUIRE(backend.journal().is_confirmed(k_a));
  backend.journal().record({k_a, false, backend.now_, "cli:vp", "cli", "thiếu phụ lục"});
  // The captured request, sent again: its token belongs to the state before the reopening.
  CHECK(post(backend, target, "csrf=" + csrf, origin).status == 403);
  CHECK_FALSE(backend.journal().is_confirmed(k_a));
  // The page, opened again, confirms.
  std::string fresh = csrf_of(get(backend, target).body);
  CHECK(fresh != csrf);
  CHECK(post(backend, target, "csrf=" + fresh, origin).status == 303);
  CHECK(backend.journal().is_confirmed(k_a));
  CHECK(backend.journal().history(k_a).size() == 3);
}

TEST_CASE("a note that is not UTF-8 is refused, and nothing is recorded", "[http][ack]") {
  FakeBackend backend;
  std::string target = "/ack/" + backend.token("a");
  const std::string origin = "https://deadlined.example.gov.vn";
  std::string csrf = csrf_of(get(backend, target).body);
  // A lone continuation byte, an overlong '/', a surrogate, a truncated sequence.
  for (const char* note : {"S%80", "%C0%AF", "%ED%A0%80", "B%C3"}) {
    auto r = post(backend, target, "csrf=" + csrf + "&note=" + note, origin);
    CHECK(r.status == 400);
    CHECK(r.body.find("Ghi chú không hợp lệ") != std::string::npos);
  }
  CHECK(backend.journal().history(k_a).empty());
  CHECK(post(backend, target, "csrf=" + csrf + "&note=S%E1%BB%91+45%2FBC", origin).status == 303);
  CHECK(backend.journal().history(k_a).at(0).note == "Số 45/BC");
}

TEST_CASE("a calendar feed is built off the loop and holds the 1000 nearest open deadlines",
          "[http][ics]") {
  // 120 monthly tasks: some 1,560 deadlines within the feed's 400 days.
  std::string plan = "[plan]\nid = \"p\"\ntitle = \"Kế hoạch\"\n";
  for (int i = 0; i < 120; ++i) {
    plan += "\n[[task]]\nid = \"t" + std::to_string(i) +
            "\"\ntitle = \"Báo cáo tháng\"\nresponsible = [\"a\"]\nrecur = \"monthly\"\n"
            "due = \"day " +
            std::to_string(1 + i % 28) + " of next month\"\n";
  }
  FakeBackend backend(plan);
  // The loop's part checks the token only; the body is left to the deferred work.
  const std::string token = codec::derived_token(backend.config()->http.secret.value, "ics", "a");
  auto r = get(backend, "/calendar/a.ics?token=" + token);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  REQUIRE(r.deferred);
  http::complete(r);
  CHECK_FALSE(r.deferred);
  std::vector<std::string> ends;
  for (std::size_t at = 0; (at = r.body.find("DTEND:", at)) != std::string::npos; ++at)
    ends.push_back(r.body.substr(at + 6, 16));
  CHECK(ends.size() == 1000);
  // The nearest: in order, and none later than a deadline left out (the 1,001st and after
  // fall after the last one shown).
  CHECK(std::is_sorted(ends.begin(), ends.end()));
  CHECK(r.body.rfind("END:VCALENDAR\r\n") == r.body.size() - 15);
  // A wrong token is refused on the loop, with nothing deferred.
  auto refused = get(backend, "/calendar/a.ics?token=x");
  CHECK(refused.status == 404);
  CHECK_FALSE(refused.deferred);
}
