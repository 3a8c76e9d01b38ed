#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace deadlined::delivery {

/// The tokens of a provider that rotates them, as a TokenStore keeps them.
struct Tokens {
  std::string seed;  ///< digest of the configured refresh token they descend from
  std::string refresh_token;
  std::string access_token;
  std::int64_t expires_at = 0;  ///< of the access token, seconds since the epoch
};

/// Where rotated tokens are kept durably (the journal, in the daemon and `send-test`).
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual std::optional<Tokens> load(const std::string& channel) = 0;
  /// Stores `tokens` durably before it returns; throws when it cannot.
  virtual void save(const std::string& channel, const Tokens& tokens) = 0;
};

/// The Zalo Official Account's access token of one zalo-zns channel. Zalo's refresh tokens
/// are single-use: each refresh (POST token_url, header `secret_key`, form `refresh_token`,
/// `app_id`, `grant_type=refresh_token`) returns the next one, which is stored before the new
/// access token is used, so a crash or restart never loses it. One refresh at a time: the
/// sends that need a token meanwhile wait for it. Thread-safe.
class ZaloTokens {
 public:
  /// `store` may be null (tokens then live in memory only); it must outlive this object.
  ZaloTokens(const config::WebhookConfig& config, TokenStore* store,
             const std::atomic<bool>& abort);

  /// A valid access token, refreshed first when there is none or it expires within a
  /// minute; none with the reason in `error` (never with a token in it).
  std::optional<std::string> access(std::string& error);
  /// The provider refused `token` (expired, revoked): the next access() refreshes, unless
  /// another send has refreshed since.
  void refused(const std::string& token);

  /// How many refreshes were made since start (tests, logs).
  std::uint64_t refreshes() const { return refreshes_.load(); }

 private:
  bool refresh(std::string& error);  // with mutex_ held

  const config::WebhookConfig& config_;
  std::string channel_;
  TokenStore* store_;
  const std::atomic<bool>& abort_;
  std::mutex mutex_;
  bool loaded_ = false;
  Tokens tokens_;
  std::atomic<std::uint64_t> refreshes_{0};
};

/// Whether `code`, the `error` of a ZNS answer, says the access token is invalid or expired.
bool zalo_token_refused(const std::string& code);

}  // namespace deadlined::delivery
