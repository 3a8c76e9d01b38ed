#include "delivery/zalo_token.hpp"

#include <curl/curl.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"
#include "delivery/curl_handle.hpp"
#include "delivery/webhook_request.hpp"
#include "ids/ids.hpp"
#include "template/mustache.hpp"

namespace deadlined::delivery {
namespace {

constexpr std::int64_t k_refresh_margin = 60;  // seconds before expiry
constexpr std::size_t k_max_answer = 16 * 1024;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  std::size_t n = size * count;
  if (out->size() + n > k_max_answer) return 0;
  out->append(data, n);
  return n;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

}  // namespace

bool zalo_token_refused(const std::string& code) {
  // -124: the access token is invalid or has expired (Zalo's ZNS error list); -216: the
  // access token is invalid.
  return code == "-124" || code == "-216";
}

ZaloTokens::ZaloTokens(const config::WebhookConfig& config, TokenStore* store,
                       const std::atomic<bool>& abort)
    : config_(config),
      channel_(ids::ChannelId::of_webhook(config.name).to_string()),
      store_(store),
      abort_(abort) {}

std::optional<std::string> ZaloTokens::access(std::string& error) {
  std::lock_guard lock(mutex_);
  if (!loaded_) {
    // The journal's latest, unless the configured refresh token is a new one (the Office
    // authorised the app again): that one starts a new line.
    const std::string seed = codec::hex_encode(codec::sha256(config_.refresh_token.value));
    std::optional<Tokens> stored;
    try {
      if (store_) stored = store_->load(channel_);
    } catch (const std::exception& e) {
      error = std::string("cannot read the stored tokens: ") + e.what();
      return std::nullopt;
    }
    if (stored && stored->seed == seed) {
      tokens_ = *stored;
    } else {
      tokens_ = Tokens{seed, config_.refresh_token.value, {}, 0};
    }
    loaded_ = true;
  }
  if (tokens_.access_token.empty() || tokens_.expires_at - k_refresh_margin <= now_seconds()) {
    if (!refresh(error)) return std::nullopt;
  }
  return tokens_.access_token;
}

void ZaloTokens::refused(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (tokens_.access_token == token) tokens_.expires_at = 0;
}

bool ZaloTokens::refresh(std::string& error) {
  if (abort_) {
    error = "not refreshed: shutting down";
    return false;
  }
  CURL* c = curl_easy_init();
  if (!c) {
    error = "no curl handle";
    return false;
  }
  const std::string form =
      "app_id=" + templating::escape_url(config_.app_id) +
      "&grant_type=refresh_token&refresh_token=" + templating::escape_url(tokens_.refresh_token);
  detail::List headers;
  detail::append(headers, "Content-Type: application/x-www-form-urlencoded");
  detail::append(headers, "Accept: application/json");
  detail::append(headers, "secret_key: " + config_.secret_key.value);
  std::string answer;
  char curl_error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, config_.token_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "deadlined/0.1");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (config_.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    error = std::string("token refresh failed: ") +
            (curl_error[0] ? curl_error : curl_easy_strerror(rc));
    return false;
  }
  auto json = nlohmann::json::parse(answer, nullptr, false);
  std::string access =
      json.is_object() && json.contains("access_token") ? text_of(json["access_token"]) : "";
  std::string next =
      json.is_object() && json.contains("refresh_token") ? text_of(json["refresh_token"]) : "";
  if (status < 200 || status > 299 || access.empty() || next.empty()) {
    std::string shown = answer.substr(0, 200);
    error = "token refresh refused (HTTP " + std::to_string(status) +
            "): " + redact_secrets(config_, shown, tokens_.refresh_token);
    return false;
  }
  std::int64_t expires_in = 3600;
  if (json.contains("expires_in")) {
    try {
      expires_in = std::stoll(text_of(json["expires_in"]));
    } catch (const std::exception&) {
    }
  }
  ++refreshes_;
  // The old refresh token is spent: the new one is stored before anything uses the access
  // token it came with.
  tokens_.refresh_token = std::move(next);
  tokens_.access_token = std::move(access);
  tokens_.expires_at = now_seconds() + expires_in;
  if (store_) {
    try {
      store_->save(channel_, tokens_);
    } catch (const std::exception& e) {
      error = std::string("the new refresh token could not be stored: ") + e.what();
      return false;
    }
  }
  return true;
}

}  // namespace deadlined::delivery
