#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "delivery/channel.hpp"

namespace deadlined::delivery {

/// One HTTP request as a webhook with templates sends it.
struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value" lines, without CR or LF
  std::string body;
};

/// The request of a webhook with a body template (`body`, or a preset's) for `envelope`,
/// whose content is the message's variables as one JSON object (message::content_of). For a
/// webhook sent by phone, `phone` is the number (the delivery's recipient), `id` the stable
/// id of that number's delivery, and `sms_text` the short text folded to ASCII unless
/// `unicode`, cut to `max_length`. `access_token` is the Zalo OA's, for zalo-zns. Pure.
HttpRequest templated_request(const config::WebhookConfig& webhook, const Envelope& envelope,
                              std::string_view access_token = {});

/// Classifies a templated webhook's answer by its `success` rule: the status in range and,
/// with a JSON field, its value equal to `equals`; another value of the field is retryable
/// when `retryable` lists it, else permanent. An answer outside the range is classified by
/// its status (classify_http_status). The detail names the status, the field's value and the
/// start of the answer, with the webhook's secrets masked.
Outcome classify_response(const config::WebhookConfig& webhook, long status, std::string_view body,
                          std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// `text` with every secret of `webhook` (keys, tokens, secret headers) replaced by "***".
std::string redact_secrets(const config::WebhookConfig& webhook, std::string text,
                           std::string_view access_token = {});

}  // namespace deadlined::delivery
