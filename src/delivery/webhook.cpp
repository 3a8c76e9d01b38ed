#include <algorithm>
#include <chrono>
#include <ctime>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"
#include "delivery/channels.hpp"
#include "delivery/curl_handle.hpp"
#include "delivery/webhook_request.hpp"
#include "delivery/zalo_token.hpp"
#include "ids/ids.hpp"

namespace deadlined::delivery {
namespace {

constexpr std::size_t k_max_response_kept = 512;
/// A receiver answers with a status; a body past this size is not read (the status decides).
constexpr std::size_t k_max_response_read = 64 * 1024;

struct Response {
  std::string start;  // the first bytes, for the log; the whole answer for a success rule
  std::size_t size = 0;
  std::size_t keep = k_max_response_kept;
};

/// Keeps the start of the response for the log and stops reading a huge one.
std::size_t on_response(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  std::size_t n = size * count;
  response->size += n;
  if (response->size > k_max_response_read) return 0;  // aborts with CURLE_WRITE_ERROR
  if (response->start.size() < response->keep) {
    response->start.append(data, std::min(n, response->keep - response->start.size()));
  }
  return n;
}

}  // namespace

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + codec::base64_encode(codec::hmac_sha256(key, signed_content));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // delay-seconds; anything past a day is as good as a day (and cannot overflow).
    if (value.size() > 6) return std::chrono::seconds{86400};
    return std::chrono::seconds{std::stol(std::string(value))};
  }
  // An HTTP-date (RFC 9110 §10.2.3), in any of its three formats, which curl_getdate reads.
  std::time_t at = curl_getdate(std::string(value).c_str(), nullptr);
  if (at == -1) return std::nullopt;
  return std::chrono::seconds{std::max<std::time_t>(0, at - now)};
}

Outcome classify_http_status(long status, std::optional<std::chrono::seconds> retry_after) {
  std::string detail = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return Outcome::delivered(detail);
  if (status == 408 || status == 429 || status >= 500) {
    Outcome out = Outcome::retryable(detail);
    // RFC 9110 §10.2.3 and RFC 6585 §4: how long to wait before the next request.
    if (status == 429 || status == 503) out.retry_after = retry_after;
    if (out.retry_after)
      out.detail += " (Retry-After " + std::to_string(out.retry_after->count()) + "s)";
    return out;
  }
  if (status == 410) {
    Outcome out =
        Outcome::permanent(detail + " Gone: the receiver says this endpoint no longer exists");
    out.gone = true;
    return out;
  }
  return Outcome::permanent(detail);
}

WebhookChannel::WebhookChannel(config::WebhookConfig config, const std::atomic<bool>& abort,
                               detail::TransferLoop& loop, std::size_t index, TokenStore* tokens)
    : config_(std::move(config)),
      pool_(std::make_shared<detail::EasyPool>(
          static_cast<long>(config_.timeout.count()), config_.insecure_skip_verify, abort,
          [url = config_.url](CURL* c) {
            curl_easy_setopt(c, CURLOPT_URL, url.c_str());
            curl_easy_setopt(c, CURLOPT_USERAGENT, "deadlined/0.1");
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_response);
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
          })),
      loop_(loop),
      index_(index) {
  if (config_.preset == "zalo-zns") zalo_ = std::make_unique<ZaloTokens>(config_, tokens, abort);
}

WebhookChannel::~WebhookChannel() = default;

/// One POST: the handle and everything its options point to, alive until it has finished.
struct WebhookChannel::Request {
  detail::EasyPool::Lease easy;
  Envelope envelope;
  detail::List headers;
  Response response;
  char error[CURL_ERROR_SIZE] = {};
  const config::WebhookConfig* templated = nullptr;  // set when the body is a template's
  HttpRequest http;

  /// The Retry-After of the last response, if it has a valid one.
  std::optional<std::chrono::seconds> retry_after() const {
    curl_header* header = nullptr;
    if (curl_easy_header(easy.get(), "Retry-After", 0, CURLH_HEADER, -1, &header) != CURLHE_OK)
      return std::nullopt;
    return parse_retry_after(header->value, std::time(nullptr));
  }

  /// The outcome once the transfer has ended with `rc`.
  Outcome outcome(CURLcode rc) const {
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    // Once the status line is in, the receiver has answered: the status decides, whatever
    // happens to the body (too large, drip-fed past the timeout, cut off).
    if (status > 0 && templated)
      return classify_response(*templated, status, response.start, retry_after());
    if (status > 0) return classify_http_status(status, retry_after());
    return detail::classify_curl_error(rc, error);
  }
};

std::shared_ptr<WebhookChannel::Request> WebhookChannel::prepare(Envelope envelope,
                                                                 std::string_view access_token) {
  auto r = std::shared_ptr<Request>(
      new Request{pool_->acquire(), std::move(envelope), {}, {}, {}, nullptr, {}});
  if (!r->easy) return nullptr;
  CURL* c = r->easy.get();
  if (config_.body) return prepare_templated(std::move(r), access_token);
  const Envelope& e = r->envelope;
  auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

  detail::append(r->headers, "Content-Type: application/json");
  // Dot-free (the signed content joins id, timestamp and body with dots) and the payload's
  // `id`; the readable key is the payload's `key`.
  const std::string id = ids::webhook_id(e.id);
  detail::append(r->headers, "webhook-id: " + id);
  detail::append(r->headers, "webhook-timestamp: " + std::to_string(timestamp));
  if (!config_.secret.empty()) {
    detail::append(r->headers, "webhook-signature: " + webhook_signature(config_.secret.value, id,
                                                                         timestamp, e.content));
  }
  for (const auto& [name, value] : config_.headers)
    detail::append(r->headers, name + ": " + value);
  detail::append(r->headers, "Expect:");

  // The channel's fixed options are set once per handle (the pool's setup above).
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, e.content.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(e.content.size()));
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->response);
  return r;
}

/// A request from the webhook's templates: its url and query, method, headers and body.
std::shared_ptr<WebhookChannel::Request> WebhookChannel::prepare_templated(
    std::shared_ptr<Request> r, std::string_view access_token) {
  CURL* c = r->easy.get();
  r->templated = &config_;
  r->response.keep = k_max_response_read;  // the success rule reads the whole answer
  r->http = templated_request(config_, r->envelope, access_token);
  const HttpRequest& http = r->http;
  auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (const std::string& line : http.headers)
    detail::append(r->headers, line);
  if (!config_.secret.empty()) {
    // Signed as our own payload is, over the body as sent.
    const std::string id = ids::webhook_id(r->envelope.id);
    detail::append(r->headers, "webhook-id: " + id);
    detail::append(r->headers, "webhook-timestamp: " + std::to_string(timestamp));
    detail::append(r->headers, "webhook-signature: " + webhook_signature(config_.secret.value, id,
                                                                         timestamp, http.body));
  }
  detail::append(r->headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, http.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers.get());
  if (http.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, http.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(http.body.size()));
    // POST is what POSTFIELDS implies; PUT and PATCH replace the method's name only.
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
                     http.method == "POST" ? nullptr : http.method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->response);
  return r;
}

Outcome WebhookChannel::send(const Envelope& envelope) {
  if (!zalo_) return detail::perform(prepare(envelope));
  // Zalo ZNS: with the OA's access token, refreshed when it has expired, and once more when
  // Zalo refuses it (revoked, or expired early).
  std::string error;
  auto token = zalo_->access(error);
  if (!token) return Outcome::retryable("Zalo access token: " + error);
  Outcome out = detail::perform(prepare(envelope, *token));
  if (!zalo_token_refused(out.code)) return out;
  zalo_->refused(*token);
  token = zalo_->access(error);
  if (!token) return Outcome::retryable("Zalo access token: " + error);
  return detail::perform(prepare(envelope, *token));
}

void WebhookChannel::send_async(Envelope envelope, std::size_t slot, Done done) {
  if (zalo_) {
    done(send(envelope));
    return;
  }
  detail::perform_on(loop_, index_ + slot, prepare(std::move(envelope)), std::move(done));
}

}  // namespace deadlined::delivery
