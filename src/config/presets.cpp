#include "config/presets.hpp"

#include "template/texts.hpp"

namespace deadlined::config::detail {
namespace {

/// Zalo Notification Service: POST /message/template with the OA's `access_token` header
/// (developers.zalo.me/docs/zalo-notification-service). `template_data` is the rendered
/// table of the config, written by the channel as a JSON object.
constexpr std::string_view k_zns_body =
    R"({"phone":"{{phone}}","template_id":"{{template_id}}","template_data":{{{template_data}}},"tracking_id":"{{id}}"})";

/// eSMS SendMultipleMessage_V4_post_json (developers.esms.vn).
constexpr std::string_view k_esms_body =
    R"({"ApiKey":"{{api_key}}","SecretKey":"{{secret_key}}","Phone":"{{phone}}","Content":"{{sms_text}}","Brandname":"{{brandname}}","SmsType":"{{sms_type}}","IsUnicode":"{{is_unicode}}","RequestId":"{{id}}"})";

/// SpeedSMS POST /index.php/sms/send, HTTP Basic with the access token (speedsms.vn API).
constexpr std::string_view k_speedsms_body =
    R"({"to":["{{phone}}"],"content":"{{sms_text}}","sms_type":{{sms_type}},"sender":"{{brandname}}"})";

/// Chat services take a text; the subject leads it.
constexpr std::string_view k_google_chat_body = R"({"text":"*{{subject}}*\n\n{{text}}"})";
constexpr std::string_view k_slack_body = R"({"text":"*{{subject}}*\n\n{{text}}"})";
constexpr std::string_view k_mattermost_body = R"({"text":"#### {{subject}}\n\n{{text}}"})";

/// Teams Workflows ("When a Teams webhook request is received"): an Adaptive Card in a
/// `message` attachment; Office 365 connectors' MessageCard no longer works.
constexpr std::string_view k_teams_body =
    R"({"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","msteams":{"width":"Full"},"body":[{"type":"TextBlock","text":"{{subject}}","weight":"Bolder","size":"Medium","wrap":true},{"type":"TextBlock","text":"{{text}}","wrap":true}]{{#link}},"actions":[{"type":"Action.OpenUrl","title":"Xác nhận hoàn thành","url":"{{link}}"}]{{/link}}}}]})";

RateLimit per_minute(std::size_t count) {
  return {count, Seconds{60}, std::to_string(count) + "/min"};
}

}  // namespace

const std::vector<std::string_view>& preset_names() {
  static const std::vector<std::string_view> names{
      "zalo-zns", "esms", "speedsms", "google-chat", "teams-workflow", "slack", "mattermost"};
  return names;
}

bool apply_preset(WebhookConfig& w) {
  const std::string_view p = w.preset;
  w.method = "POST";
  w.content_type = "application/json";
  if (p == "zalo-zns") {
    w.url = "https://business.openapi.zalo.me/message/template";
    w.token_url = "https://oauth.zaloapp.com/v4/oa/access_token";
    w.body = std::string(k_zns_body);
    w.by_phone = true;
    w.success = {200, 299, "error", "0", {}};
    // zalo.cloud/zns/guidelines/handle-error-code: -100 asks to try again later; -124 is an
    // access token refused again after a refresh; -115, the day's quota spent, passes.
    w.retryable_codes = {"-100", "-124", "-115"};
  } else if (p == "esms") {
    w.url = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/";
    w.body = std::string(k_esms_body);
    w.by_phone = true;
    w.sms_type = "2";  // brandname customer care
    w.success = {200, 299, "CodeResult", "100", {}};
    // developers.esms.vn table of error codes: 124, a RequestId already received: the
    // first attempt got through (its answer was lost), so this one is delivered.
    w.delivered_codes = {"124"};
  } else if (p == "speedsms") {
    w.url = "https://api.speedsms.vn/index.php/sms/send";
    w.body = std::string(k_speedsms_body);
    w.by_phone = true;
    w.sms_type = "3";  // brandname
    // {"status": "success", "code": "00"}; code 500 is SpeedSMS's "try again".
    w.success = {200, 299, "code", "00", {}};
    w.retryable_codes = {"500"};
    w.rate = per_minute(60);  // 60 requests in 60 s, then HTTP 429
  } else if (p == "google-chat") {
    w.body = std::string(k_google_chat_body);
    // The same requestId returns the message already posted instead of a second one.
    w.query = {{"requestId", "{{id}}"}};
    w.rate = per_minute(60);  // 60 writes a minute per space
  } else if (p == "teams-workflow") {
    w.body = std::string(k_teams_body);
  } else if (p == "slack") {
    w.body = std::string(k_slack_body);
    w.success.text = "ok";                     // HTTP 200 "ok"; anything else says what went wrong
    w.rate = RateLimit{1, Seconds{1}, "1/s"};  // one message a second per webhook
  } else if (p == "mattermost") {
    w.body = std::string(k_mattermost_body);
    w.success.text = "ok";
  } else {
    return false;
  }
  return true;
}

std::vector<std::string_view> template_names(const WebhookConfig& w, bool provider_keys) {
  std::vector<std::string_view> names = templating::reminder_names();
  if (w.by_phone) {
    names.push_back("phone");
    names.push_back("sms_text");
  }
  if (provider_keys) {
    for (std::string_view n : {"api_key", "secret_key", "brandname", "sms_type", "is_unicode",
                               "template_id", "template_data"})
      names.push_back(n);
  }
  return names;
}

std::vector<std::string_view> required_keys(const WebhookConfig& w) {
  if (w.preset == "zalo-zns")
    return {"app_id", "secret_key", "refresh_token", "template_id", "template_data"};
  if (w.preset == "esms") return {"api_key", "secret_key", "brandname"};
  if (w.preset == "speedsms") return {"api_key"};
  if (w.preset.empty()) return {};
  return {"url"};
}

}  // namespace deadlined::config::detail
