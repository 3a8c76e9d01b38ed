#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace deadlined::delivery {

namespace detail {
class TransferLoop;
}
class TokenStore;

/// The result of one delivery attempt, classified so that retry policy lives in one place.
struct Outcome {
  enum class Kind { delivered, retryable, permanent };
  Kind kind = Kind::delivered;
  std::string detail;  ///< what happened, for logs and the journal; never contains secrets
  /// The receiver's Retry-After (HTTP 429 and 503), in seconds from now: when to try again.
  std::optional<std::chrono::seconds> retry_after;
  /// The receiver said the endpoint is gone for good (HTTP 410): send nothing more to it.
  bool gone = false;
  /// The provider's remaining daily quota, when its answer says it (Zalo ZNS).
  std::optional<long> quota_remaining;
  /// The value of the success rule's JSON field in the answer ("-124"); empty: none.
  std::string code;

  static Outcome delivered(std::string detail = {}) {
    return {Kind::delivered, std::move(detail), {}, false, {}, {}};
  }
  static Outcome retryable(std::string detail) {
    return {Kind::retryable, std::move(detail), {}, false, {}, {}};
  }
  static Outcome permanent(std::string detail) {
    return {Kind::permanent, std::move(detail), {}, false, {}, {}};
  }
};

std::string_view to_string(Outcome::Kind kind);

/// Outcomes of one channel since start.
struct ChannelStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
  std::uint64_t retries = 0;            ///< failed attempts that are retried
  std::optional<long> quota_remaining;  ///< the provider's last word on its daily quota
};

/// How many messages of one channel are sent at once (the scheduler's cap), and so how many
/// connections a receiver gets from deadlined.
inline constexpr std::size_t k_channel_concurrency = 4;

/// A rendered message ready to go: its stable id, its recipients and its bytes.
struct Envelope {
  std::string id;
  std::vector<std::string> recipients;  ///< email addresses; unused by webhooks
  std::string content;
};

/// One way of delivering a message. `send` blocks and may run on any thread; it must not
/// throw, and returns early with a retryable outcome once the abort flag is set.
class Channel {
 public:
  using Done = std::function<void(Outcome)>;

  virtual ~Channel() = default;
  virtual Outcome send(const Envelope& envelope) = 0;
  /// True when send_async returns at once and the transfer runs on the channel set's
  /// transfer loop; false when it is `send` on the calling thread.
  virtual bool asynchronous() const { return false; }
  /// Sends `envelope` and calls `done` exactly once with the outcome: on the transfer loop's
  /// thread for an asynchronous channel, else before returning. `slot` (below
  /// k_channel_concurrency) is the scheduler's slot the send holds: the sends of one slot
  /// follow one another on one connection, so a receiver gets at most one connection per
  /// slot.
  virtual void send_async(Envelope envelope, std::size_t /*slot*/, Done done) {
    done(send(envelope));
  }
  /// True when each recipient address is a delivery of its own (SMTP: a bad address must
  /// not block the others, and each failure is attributed to its address).
  virtual bool per_recipient() const { return false; }
};

/// The recipient lists to send one message to: one list per address for per-recipient
/// channels, else one list with everyone.
std::vector<std::vector<std::string>> recipient_groups(const Channel& channel,
                                                       std::vector<std::string> recipients);

/// The channels of one configuration, by name: "email" and "webhook:NAME" (ids::ChannelId).
/// Owns no thread: webhooks run on the transfer loop they are given, which must outlive
/// the set and every send in progress.
class ChannelSet {
 public:
  using Channels = std::map<std::string, std::unique_ptr<Channel>>;

  /// Builds the channels of `config`; `abort` is polled by transfers in progress; webhook
  /// transfers run on `loop`; `tokens` keeps the rotated tokens of providers (zalo-zns),
  /// and must outlive the set (null: in memory only).
  ChannelSet(const config::Config& config, const std::atomic<bool>& abort,
             detail::TransferLoop& loop, TokenStore* tokens = nullptr);
  /// A set of given channels (a test's recording or failing channel, say).
  explicit ChannelSet(Channels channels) : channels_(std::move(channels)) {}
  Channel* find(const std::string& name) const;

 private:
  Channels channels_;
};

}  // namespace deadlined::delivery
