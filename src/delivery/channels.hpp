#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "delivery/channel.hpp"
#include "delivery/curl_handle.hpp"

namespace deadlined::delivery {

/// Email through an SMTP server with libcurl (STARTTLS when offered, or required). Sends
/// block, on the scheduler's workers: an SMTP dialogue takes several round trips per message,
/// and a worker per connection answers each reply at once, where a shared transfer loop
/// busy rendering or sending elsewhere would leave the server waiting (measured: 1.4k mail/s
/// on the loop, 1.7-2.2k on workers, docs/PERFORMANCE.md).
class SmtpChannel final : public Channel {
 public:
  SmtpChannel(const config::EmailConfig& config, const std::atomic<bool>& abort);
  Outcome send(const Envelope& envelope) override;
  bool per_recipient() const override { return true; }

 private:
  struct Request;
  /// A transfer of `envelope` set up on a handle of the pool; null without a handle.
  std::shared_ptr<Request> prepare(Envelope envelope);

  bool tls_for_credentials_;  // STARTTLS required only because a password is configured
  std::shared_ptr<detail::EasyPool> pool_;  // connections to the server, kept between messages
};

namespace detail {
/// Writes `data` to `fd`, makes it durable (fsync) and closes `fd` whatever fails before;
/// what failed ("write", "fsync" or "close", with the system's reason) if anything did.
std::optional<std::string> write_durably(int fd, std::string_view data);
}  // namespace detail

/// Email written to a Maildir folder (tmp/ then rename into new/), for setups without a server.
class MaildirChannel final : public Channel {
 public:
  explicit MaildirChannel(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Outcome send(const Envelope& envelope) override;

 private:
  std::filesystem::path dir_;
};

class TokenStore;
class ZaloTokens;

/// HTTP POST of a JSON body signed per the Standard Webhooks specification; or, with a body
/// template (a preset's, say), the request the template and its keys make, its answer
/// classified by the success rule (webhook_request.hpp). A zalo-zns channel sends on the
/// workers, blocking, with the OA's access token (ZaloTokens); the others on the loop.
class WebhookChannel final : public Channel {
 public:
  /// `index`: the channel's place in its set, so that the first slot of each channel goes
  /// to a different thread of the loop. `tokens` keeps a zalo-zns channel's tokens.
  WebhookChannel(config::WebhookConfig config, const std::atomic<bool>& abort,
                 detail::TransferLoop& loop, std::size_t index = 0, TokenStore* tokens = nullptr);
  ~WebhookChannel() override;
  Outcome send(const Envelope& envelope) override;
  bool asynchronous() const override { return !zalo_; }
  void send_async(Envelope envelope, std::size_t slot, Done done) override;
  /// A webhook sent by phone has a delivery per number.
  bool per_recipient() const override { return config_.by_phone; }

 private:
  struct Request;
  /// A transfer of `envelope` set up on a handle of the pool; null without a handle.
  std::shared_ptr<Request> prepare(Envelope envelope, std::string_view access_token = {});
  std::shared_ptr<Request> prepare_templated(std::shared_ptr<Request> r,
                                             std::string_view access_token);

  config::WebhookConfig config_;
  std::unique_ptr<ZaloTokens> zalo_;
  std::shared_ptr<detail::EasyPool> pool_;
  detail::TransferLoop& loop_;
  std::size_t index_;
};

/// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>", the Standard Webhooks signature.
std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

/// Classifies an HTTP status: 2xx delivered; 408, 429 and 5xx retryable; others permanent.
/// A 429 or 503 carries `retry_after`, the receiver's Retry-After; a 410 is `gone`.
Outcome classify_http_status(long status,
                             std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// The delay a Retry-After header value asks for at `now`: delay-seconds, or an HTTP-date
/// (a date past is no delay); nullopt when it is neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

/// Classifies an SMTP reply code: 2xx/3xx delivered, 4xx retryable, 5xx permanent.
Outcome classify_smtp_reply(long code);

}  // namespace deadlined::delivery
