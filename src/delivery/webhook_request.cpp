// The request of a webhook with templates, and the classification of its answer.
#include "delivery/webhook_request.hpp"

#include "delivery/channels.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ids/ids.hpp"
#include "message/sms.hpp"
#include "template/mustache.hpp"

namespace deadlined::delivery {
namespace {

constexpr std::size_t k_answer_shown = 200;

/// The message's variables from its content; a value that is not a string is written as
/// JSON (a number's digits), true as "1" and false as "".
templating::Variables variables_from(std::string_view content) {
  templating::Variables values;
  auto json = nlohmann::json::parse(content, nullptr, false);
  if (!json.is_object()) return values;
  for (const auto& [name, value] : json.items()) {
    if (value.is_string()) {
      values[name] = value.get<std::string>();
    } else if (value.is_boolean()) {
      values[name] = value.get<bool>() ? "1" : "";
    } else if (!value.is_null()) {
      values[name] = value.dump();
    }
  }
  return values;
}

std::string rendered(const std::string& source, const templating::Variables& values,
                     templating::Escape escape) {
  auto t = templating::Template::compile(source);
  // The loader checked every template; one that fails here renders as nothing.
  if (auto* ok = std::get_if<templating::Template>(&t)) return ok->render(values, escape);
  return {};
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return text;
}

/// The value of a JSON field as rules compare it (config::SuccessRule::equals).
std::optional<std::string> code_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) return value.dump();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return std::nullopt;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool listed(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

HttpRequest templated_request(const config::WebhookConfig& w, const Envelope& envelope,
                              std::string_view access_token) {
  templating::Variables values = variables_from(envelope.content);
  if (values.find("short_text") == values.end()) values["short_text"] = values["subject"];
  if (w.by_phone && !envelope.recipients.empty()) {
    const std::string& phone = envelope.recipients.front();
    values["phone"] = phone;
    // One delivery per number, each with its own stable id: a provider that refuses a
    // repeated request id must not take the second number for a repeat of the first.
    values["id"] = ids::webhook_id(values["key"] + "." + phone);
    std::string text = w.unicode ? values["short_text"] : message::fold_ascii(values["short_text"]);
    values["sms_text"] = message::fit_length(text, w.max_length);
  }
  values["api_key"] = w.api_key.value;
  values["secret_key"] = w.secret_key.value;
  values["brandname"] = w.brandname;
  values["sms_type"] = w.sms_type;
  values["is_unicode"] = w.unicode ? "1" : "0";
  values["template_id"] = w.template_id;
  if (!w.template_data.empty()) {
    nlohmann::json data = nlohmann::json::object();
    for (const auto& [name, source] : w.template_data)
      data[name] = rendered(source, values, templating::Escape::none);
    values["template_data"] = data.dump();
  }

  HttpRequest request;
  request.method = w.method;
  request.url = w.url;
  for (const auto& [name, source] : w.query) {
    request.url += request.url.find('?') == std::string::npos ? '?' : '&';
    request.url += templating::escape_url(name) + "=" +
                   templating::escape_url(rendered(source, values, templating::Escape::none));
  }
  if (w.method != "GET") request.headers.push_back("Content-Type: " + w.content_type);
  if (!access_token.empty())
    request.headers.push_back("access_token: " + std::string(access_token));
  if (w.preset == "zalo-zns" || w.preset == "esms" || w.preset == "speedsms")
    request.headers.push_back("Accept: application/json");
  for (const auto& [name, source] : w.headers)
    request.headers.push_back(name + ": " +
                              one_line(rendered(source, values, templating::Escape::none)));
  for (const auto& [name, secret] : w.secret_headers)
    request.headers.push_back(name + ": " + secret.value);
  if (w.method != "GET" && w.body)
    request.body = rendered(*w.body, values, templating::escape_for(w.content_type));
  return request;
}

Outcome classify_response(const config::WebhookConfig& w, long status, std::string_view body,
                          std::optional<std::chrono::seconds> retry_after) {
  const config::SuccessRule& rule = w.success;
  std::string shown = redact_secrets(w, one_line(std::string(body.substr(0, k_answer_shown))));
  auto json = nlohmann::json::parse(body, nullptr, false);
  std::optional<std::string> code;
  if (!rule.json.empty() && json.is_object() && json.contains(rule.json))
    code = code_of(json[rule.json]);
  std::string detail = "HTTP " + std::to_string(status);
  if (code) detail += ", " + rule.json + " = " + *code;
  if (!shown.empty()) detail += ": " + shown;

  Outcome out;
  if (status < rule.status_min || status > rule.status_max) {
    out = classify_http_status(status, retry_after);
    // A 2xx outside the range the provider answers on success is not one.
    if (out.kind == Outcome::Kind::delivered) out = Outcome::permanent({});
    if (code && listed(w.retryable_codes, *code)) out.kind = Outcome::Kind::retryable;
    if (code && listed(w.permanent_codes, *code)) out.kind = Outcome::Kind::permanent;
  } else if (!rule.text.empty() && trimmed(body) != rule.text) {
    out = Outcome::permanent({});
    detail += " (not '" + rule.text + "')";
  } else if (rule.json.empty()) {
    out = Outcome::delivered();
  } else if (!json.is_object()) {
    // A proxy's error page, a cut answer: the provider may not have taken the message.
    out = Outcome::retryable({});
    detail += " (the answer is not JSON)";
  } else if (!code) {
    out = Outcome::retryable({});
    detail += " (the answer has no '" + rule.json + "')";
  } else if (*code == rule.equals || listed(w.delivered_codes, *code)) {
    out = Outcome::delivered();
  } else if (listed(w.retryable_codes, *code)) {
    out = Outcome::retryable({});
  } else {
    out = Outcome::permanent({});
  }
  out.detail = std::move(detail);
  if (code) out.code = *code;
  if (out.retry_after)
    out.detail += " (Retry-After " + std::to_string(out.retry_after->count()) + "s)";
  // Zalo ZNS answers with the OA's daily quota of template messages.
  if (json.is_object() && json.contains("data") && json["data"].is_object()) {
    const auto& data = json["data"];
    if (data.contains("quota") && data["quota"].is_object() &&
        data["quota"].contains("remainingQuota")) {
      if (auto left = code_of(data["quota"]["remainingQuota"])) {
        try {
          out.quota_remaining = std::stol(*left);
        } catch (const std::exception&) {
        }
      }
    }
  }
  return out;
}

std::string redact_secrets(const config::WebhookConfig& w, std::string text,
                           std::string_view access_token) {
  auto mask = [&](std::string_view secret) {
    if (secret.size() < 4) return;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
      text.replace(at, secret.size(), "***");
  };
  mask(w.api_key.value);
  mask(w.secret_key.value);
  mask(w.refresh_token.value);
  mask(w.secret.value);
  mask(access_token);
  for (const auto& [name, secret] : w.secret_headers)
    mask(secret.value);
  return text;
}

}  // namespace deadlined::delivery
