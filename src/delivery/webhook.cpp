
#include <chrono>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"
#include "delivery/channels.hpp"
#include "delivery/curl_handle.hpp"

namespace deadlined::delivery {
namespace {

constexpr std::size_t k_max_response_kept = 512;
/// A receiver answers with a status; a body past this size is not read (the status decides).
constexpr std::size_t k_max_response_read = 64 * 1024;

struct Response {
  std::string start;  // the first bytes, for the log
  std::size_t size = 0;
};

/// Keeps the start of the response for the log and stops reading a huge one.
std::size_t on_response(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<Response*>(user);
  std::size_t n = size * count;
  response->size += n;
  if (response->size > k_max_response_read) return 0;  // aborts with CURLE_WRITE_ERROR
  if (response->start.size() < k_max_response_kept) {
    response->start.append(data, std::min(n, k_max_response_kept - response->start.size()));
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

Outcome classify_http_status(long status) {
  std::string detail = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return Outcome::delivered(detail);
  if (status == 408 || status == 429 || status >= 500) return Outcome::retryable(detail);
  return Outcome::permanent(detail);
}

Outcome WebhookChannel::send(const Envelope& envelope) {
  auto easy = pool_.acquire();
  if (!easy) return Outcome::retryable("cannot create a curl handle");
  CURL* c = easy.get();
  char error[CURL_ERROR_SIZE] = {};
  Response response;
  auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();

  detail::List headers;
  detail::append(headers, "Content-Type: application/json");
  detail::append(headers, "webhook-id: " + envelope.id);
  detail::append(headers, "webhook-timestamp: " + std::to_string(timestamp));
  if (!config_.secret.empty()) {
    detail::append(headers,
                   "webhook-signature: " + webhook_signature(config_.secret.value, envelope.id,
                                                             timestamp, envelope.content));
  }
  for (const auto& [name, value] : config_.headers)
    detail::append(headers, name + ": " + value);
  detail::append(headers, "Expect:");

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "deadlined/0.1");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, envelope.content.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(envelope.content.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_response);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");

  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  // Once the status line is in, the receiver has answered: the status decides, whatever
  // happens to the body (too large, drip-fed past the timeout, cut off).
  if (status > 0) return classify_http_status(status);
  return detail::classify_curl_error(rc, error);
}

}  // namespace deadlined::delivery
