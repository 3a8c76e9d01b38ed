#pragma once

#include <chrono>
#include <optional>
#include <variant>

#include "config/config.hpp"
#include "delivery/channel.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// What becomes of a delivery after an attempt. Pure: the caller records and acts on it.
namespace verdict {
struct Delivered {};
/// Retryable, and there is time left: try again at `at` (not after the give-up time).
struct RetryAt {
  SysSeconds at;
};
/// Retryable, but its give-up time has come: failed for good.
struct GiveUp {};
/// Refused for good by the receiver.
struct Permanent {};
/// Cut short by a shutdown: it stays pending, for the next start.
struct Abandon {};
}  // namespace verdict
using Verdict = std::variant<verdict::Delivered, verdict::RetryAt, verdict::GiveUp,
                             verdict::Permanent, verdict::Abandon>;

/// The delay before the next attempt after `attempts` attempts: retry_initial doubled per
/// attempt up to retry_max, plus up to a fifth of jitter (`jitter` in [0, 1)) so that many
/// failures do not retry in lockstep.
std::chrono::seconds retry_delay(const config::ServiceConfig& service, int attempts, double jitter);

/// A receiver's Retry-After is honoured up to this long; past it, the next attempt comes
/// after this (the give-up time still bounds it).
inline constexpr std::chrono::seconds k_retry_after_max{3600};

/// The verdict on an attempt whose outcome is `kind`, the `attempts`-th of a delivery given
/// up at `give_up_at`, at `now`; `stopping` while the daemon shuts down. A retry comes after
/// the receiver's `retry_after` when it gave one (at least 1 s, at most k_retry_after_max),
/// else after retry_delay; never after the give-up time.
Verdict decide(delivery::Outcome::Kind kind, int attempts, SysSeconds now, SysSeconds give_up_at,
               bool stopping, const config::ServiceConfig& service, double jitter,
               std::optional<std::chrono::seconds> retry_after = std::nullopt);

}  // namespace deadlined::scheduler
