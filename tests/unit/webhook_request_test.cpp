// Webhooks with templates and presets: what the loader reads and refuses (at path:line:col),
// the requests they make, how their answers are classified, and the rotated tokens kept.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/token_store.hpp"
#include "config/loader.hpp"
#include "delivery/webhook_request.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using delivery::Outcome;
using test::TempDir;

namespace {

const std::string k_head =
    "[service]\n"                                     // 1
    "plans = []\n"                                    // 2
    "\n"                                              // 3
    "[units.a]\n"                                     // 4
    "name = \"Phòng \\\"A\\\"\"\n"                    // 5
    "phone = [\"0912 345 678\", \"091.234.5679\"]\n"  // 6
    "webhooks = [\"hook\"]\n"                         // 7
    "\n"                                              // 8
    "[webhooks.hook]\n";                              // 9

struct Loaded {
  std::shared_ptr<const config::Config> config;
  std::vector<std::string> diagnostics;
};

Loaded load(const std::string& hook) {
  TempDir dir;
  ::setenv("DEADLINED_TEST_API_KEY", "api-key-0123456789", 1);
  ::setenv("DEADLINED_TEST_SECRET_KEY", "secret-key-0123456789", 1);
  auto result = config::load_config(dir.write("main.toml", k_head + hook));
  Loaded out{result.config, {}};
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : result.diagnostics) {
    std::string text = d.to_string();
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    out.diagnostics.push_back(text);
  }
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

const std::string k_esms =
    "preset = \"esms\"\n"
    "url = \"http://127.0.0.1:9/esms\"\n"
    "api_key_env = \"DEADLINED_TEST_API_KEY\"\n"
    "secret_key_env = \"DEADLINED_TEST_SECRET_KEY\"\n"
    "brandname = \"STNMT\"\n"
    "unicode = false\n";

/// The variables a reminder's content carries, as message::content_of writes them.
std::string content() {
  return nlohmann::json{{"id", "msg_1"},
                        {"key", "p.t.20201104.1d.a"},
                        {"unit_name", "Phòng \"A\""},
                        {"task_title", "Báo cáo kết quả"},
                        {"due_date", "03/11/2020"},
                        {"subject", "Nhắc việc"},
                        {"text", "Kính gửi: Phòng A\nĐề nghị báo cáo."},
                        {"short_text", "Đề nghị Phòng A báo cáo trước ngày 04/11/2020"}}
      .dump();
}

}  // namespace

TEST_CASE("an esms preset reads its keys, stores phones as 84…, and renders its body",
          "[webhook]") {
  Loaded l = load(k_esms);
  INFO(l.diagnostics.size());
  REQUIRE(l.config);
  const config::WebhookConfig& w = l.config->webhooks.at("hook");
  CHECK(w.by_phone);
  CHECK(w.success.json == "CodeResult");
  CHECK(w.success.equals == "100");
  CHECK(w.max_length == 306);  // two GSM-7 segments
  CHECK(l.config->units.at("a").phones == std::vector<std::string>{"84912345678", "84912345679"});

  delivery::Envelope e{"p.t.20201104.1d.a", {"84912345678"}, content()};
  auto request = delivery::templated_request(w, e);
  CHECK(request.url == "http://127.0.0.1:9/esms");
  auto body = nlohmann::json::parse(request.body);
  CHECK(body["ApiKey"] == "api-key-0123456789");
  CHECK(body["Phone"] == "84912345678");
  CHECK(body["Content"] == "De nghi Phong A bao cao truoc ngay 04/11/2020");
  CHECK(body["IsUnicode"] == "0");
  CHECK(body["Brandname"] == "STNMT");
  // Each number its own stable id: a provider refusing a repeated RequestId must not take
  // the second number for a repeat of the first.
  delivery::Envelope other{"p.t.20201104.1d.a", {"84912345679"}, content()};
  auto second = nlohmann::json::parse(delivery::templated_request(w, other).body);
  CHECK(body["RequestId"] != second["RequestId"]);
  CHECK(body["RequestId"] ==
        nlohmann::json::parse(delivery::templated_request(w, e).body)["RequestId"]);
}

TEST_CASE("a custom body escapes JSON, and its header and query templates are rendered",
          "[webhook]") {
  Loaded l = load(
      "url = \"http://127.0.0.1:9/h?x=1\"\n"
      "body = '{\"msg\": \"{{text}}\", \"ref\": \"{{id}}\", \"unit\": \"{{unit_name}}\"}'\n"
      "headers = { X-Ref = \"{{key}}\", Authorization = { secret_env = \"DEADLINED_TEST_API_KEY\" "
      "} }\n"
      "query = { ref = \"{{due_date}}\" }\n"
      "success = { json = \"error\", equals = 0 }\n"
      "retryable = [-1]\n");
  REQUIRE(l.config);
  const auto& w = l.config->webhooks.at("hook");
  auto request = delivery::templated_request(w, {"p.t.20201104.1d.a", {}, content()});
  auto body = nlohmann::json::parse(request.body);
  CHECK(body["msg"] == "Kính gửi: Phòng A\nĐề nghị báo cáo.");
  CHECK(body["unit"] == "Phòng \"A\"");
  CHECK(body["ref"] == "msg_1");
  CHECK(request.url == "http://127.0.0.1:9/h?x=1&ref=03%2F11%2F2020");
  CHECK(std::find(request.headers.begin(), request.headers.end(), "X-Ref: p.t.20201104.1d.a") !=
        request.headers.end());
  CHECK(std::find(request.headers.begin(), request.headers.end(),
                  "Authorization: api-key-0123456789") != request.headers.end());

  CHECK(delivery::classify_response(w, 200, R"({"error":0})").kind == Outcome::Kind::delivered);
  Outcome retry = delivery::classify_response(w, 200, R"({"error":-1,"message":"busy"})");
  CHECK(retry.kind == Outcome::Kind::retryable);
  CHECK(retry.code == "-1");
  CHECK(retry.detail.rfind("HTTP 200, error = -1: ", 0) == 0);
  CHECK(delivery::classify_response(w, 200, R"({"error":-2})").kind == Outcome::Kind::permanent);
  CHECK(delivery::classify_response(w, 200, "<html>proxy</html>").kind == Outcome::Kind::retryable);
  CHECK(delivery::classify_response(w, 200, R"({"ok":true})").kind == Outcome::Kind::retryable);
  Outcome busy = delivery::classify_response(w, 429, "", std::chrono::seconds{7});
  CHECK(busy.kind == Outcome::Kind::retryable);
  CHECK(busy.retry_after == std::chrono::seconds{7});
  CHECK(delivery::classify_response(w, 400, R"({"error":-2})").kind == Outcome::Kind::permanent);
  // The answer is shown with the webhook's secrets masked.
  Outcome echoed = delivery::classify_response(w, 200, R"({"error":5,"key":"api-key-0123456789"})");
  CHECK(echoed.detail.find("api-key-0123456789") == std::string::npos);
  CHECK(echoed.detail.find("***") != std::string::npos);
}

TEST_CASE("presets classify their providers' answers", "[webhook]") {
  Loaded esms = load(k_esms);
  REQUIRE(esms.config);
  const auto& e = esms.config->webhooks.at("hook");
  CHECK(delivery::classify_response(e, 200, R"({"CodeResult":"100","SMSID":"x"})").kind ==
        Outcome::Kind::delivered);
  CHECK(delivery::classify_response(e, 200, R"({"CodeResult":"101","ErrorMessage":"x"})").kind ==
        Outcome::Kind::permanent);
  // 124: the RequestId was received before; an earlier attempt got through.
  CHECK(delivery::classify_response(e, 200, R"({"CodeResult":"124"})").kind ==
        Outcome::Kind::delivered);

  Loaded chat =
      load("preset = \"google-chat\"\nurl = \"http://127.0.0.1:9/v1/spaces/S/messages?key=k\"\n");
  REQUIRE(chat.config);
  const auto& c = chat.config->webhooks.at("hook");
  REQUIRE(c.rate);
  CHECK(c.rate->count == 60);
  CHECK(c.rate->per == std::chrono::seconds{60});
  auto request = delivery::templated_request(c, {"k", {}, content()});
  CHECK(request.url == "http://127.0.0.1:9/v1/spaces/S/messages?key=k&requestId=msg_1");
  CHECK(nlohmann::json::parse(request.body)["text"] ==
        "*Nhắc việc*\n\nKính gửi: Phòng A\nĐề nghị báo cáo.");
  CHECK(delivery::classify_response(c, 200, "{}").kind == Outcome::Kind::delivered);
  CHECK(delivery::classify_response(c, 400, "{}").kind == Outcome::Kind::permanent);

  Loaded slack = load("preset = \"slack\"\nurl = \"http://127.0.0.1:9/services/T/B/x\"\n");
  REQUIRE(slack.config);
  const auto& sl = slack.config->webhooks.at("hook");
  CHECK(delivery::classify_response(sl, 200, "ok\n").kind == Outcome::Kind::delivered);
  CHECK(delivery::classify_response(sl, 200, "invalid_payload").kind == Outcome::Kind::permanent);

  Loaded teams = load("preset = \"teams-workflow\"\nurl = \"http://127.0.0.1:9/workflows\"\n");
  REQUIRE(teams.config);
  auto card = nlohmann::json::parse(
      delivery::templated_request(teams.config->webhooks.at("hook"), {"k", {}, content()}).body);
  CHECK(card["type"] == "message");
  CHECK(card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive");
  CHECK(card["attachments"][0]["content"]["type"] == "AdaptiveCard");
}

TEST_CASE("a zalo-zns preset sends the template data with the access token", "[webhook]") {
  TempDir dir;
  dir.write("refresh", "first-refresh-token\n");
  Loaded l = load(
      "preset = \"zalo-zns\"\n"
      "url = \"http://127.0.0.1:9/message/template\"\n"
      "app_id = \"123\"\n"
      "secret_key_env = \"DEADLINED_TEST_SECRET_KEY\"\n"
      "refresh_token_env = \"DEADLINED_TEST_API_KEY\"\n"
      "template_id = \"7\"\n"
      "template_data = { don_vi = \"{{unit_name}}\", han = \"{{due_date}}\" }\n");
  REQUIRE(l.config);
  const auto& w = l.config->webhooks.at("hook");
  auto request = delivery::templated_request(w, {"p.t.20201104.1d.a", {"84912345678"}, content()},
                                             "the-access-token");
  auto body = nlohmann::json::parse(request.body);
  CHECK(body["phone"] == "84912345678");
  CHECK(body["template_id"] == "7");
  CHECK(body["template_data"] == nlohmann::json{{"don_vi", "Phòng \"A\""}, {"han", "03/11/2020"}});
  CHECK(body["tracking_id"].get<std::string>().rfind("msg_", 0) == 0);
  CHECK(std::find(request.headers.begin(), request.headers.end(),
                  "access_token: the-access-token") != request.headers.end());
  Outcome quota = delivery::classify_response(
      w, 200,
      R"({"error":0,"data":{"msg_id":"1","quota":{"dailyQuota":"500","remainingQuota":"499"}}})");
  CHECK(quota.kind == Outcome::Kind::delivered);
  CHECK(quota.quota_remaining == 499);
  CHECK(delivery::classify_response(w, 200, R"({"error":-124,"message":"Access token is invalid"})")
            .code == "-124");
}

TEST_CASE("template and preset mistakes are errors at path:line:col", "[webhook]") {
  // Line 10: the body; the opening quote is column 8, the template's '{{#x}}' column 15.
  Loaded unclosed = load("url = \"http://127.0.0.1:9/h\"\nbody = '{\"a\": \"{{#x}}\"}'\n");
  CHECK_FALSE(unclosed.config);
  CHECK(has(unclosed.diagnostics, "main.toml:11:16"));
  CHECK(has(unclosed.diagnostics, "mục '{{#x}}' chưa được đóng"));
  Loaded unknown = load("url = \"http://127.0.0.1:9/h\"\nbody = '{\"a\": \"{{nope}}\"}'\n");
  CHECK_FALSE(unknown.config);
  CHECK(has(unknown.diagnostics, "main.toml:11:16"));
  CHECK(has(unknown.diagnostics, "biến 'nope' không có"));
  Loaded preset = load("preset = \"zalo\"\n");
  CHECK(has(preset.diagnostics, "preset 'zalo'"));
  Loaded missing = load("preset = \"esms\"\n");
  CHECK(has(missing.diagnostics, "cần khóa 'api_key_file'"));
  CHECK(has(missing.diagnostics, "cần khóa 'brandname'"));
  Loaded rate = load("url = \"http://127.0.0.1:9/h\"\nrate = \"60 per minute\"\n");
  CHECK(has(rate.diagnostics, "main.toml:11:8"));
}

TEST_CASE("a webhook sent by phone needs the unit's numbers, which must be Vietnamese mobiles",
          "[webhook]") {
  TempDir dir;
  auto result = config::load_config(dir.write("main.toml",
                                              "[service]\nplans = []\n\n"
                                              "[units.b]\nname = \"Phòng B\"\n"
                                              "phone = [\"0123 456 789\"]\n"
                                              "webhooks = [\"sms\"]\n\n"
                                              "[webhooks.sms]\n" +
                                                  k_esms));
  CHECK_FALSE(result.config);
  std::vector<std::string> lines;
  for (const auto& d : result.diagnostics)
    lines.push_back(d.to_string());
  CHECK(has(lines, "main.toml:6:10"));
  CHECK(has(lines, "0123 456 789"));
  CHECK(has(lines, "gửi tin tới số điện thoại nhưng đơn vị 'b' chưa có số nào"));
}

TEST_CASE("rotated tokens are kept in the journal", "[webhook][journal]") {
  TempDir dir;
  auto path = dir.path() / "journal.sqlite";
  {
    app::JournalTokenStore store(path);
    CHECK_FALSE(store.load("webhook:zalo"));
    store.save("webhook:zalo", {"seed", "refresh-2", "access-2", 1800000000});
  }
  app::JournalTokenStore reopened(path);
  auto tokens = reopened.load("webhook:zalo");
  REQUIRE(tokens);
  CHECK(tokens->seed == "seed");
  CHECK(tokens->refresh_token == "refresh-2");
  CHECK(tokens->access_token == "access-2");
  CHECK(tokens->expires_at == 1800000000);
}
