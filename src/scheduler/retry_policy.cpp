#include "scheduler/retry_policy.hpp"

#include <algorithm>
#include <cstdint>

namespace deadlined::scheduler {

std::chrono::seconds retry_delay(const config::ServiceConfig& service, int attempts,
                                 double jitter) {
  auto delay = service.retry_initial;
  for (int i = 1; i < attempts && delay < service.retry_max; ++i)
    delay *= 2;
  delay = std::min(delay, service.retry_max);
  std::int64_t most = delay.count() / 5;
  auto extra = static_cast<std::int64_t>(std::clamp(jitter, 0.0, 1.0) * double(most + 1));
  return delay + std::chrono::seconds{std::min(extra, most)};
}

Verdict decide(delivery::Outcome::Kind kind, int attempts, SysSeconds now, SysSeconds give_up_at,
               bool stopping, const config::ServiceConfig& service, double jitter,
               std::optional<std::chrono::seconds> retry_after) {
  using Kind = delivery::Outcome::Kind;
  switch (kind) {
    case Kind::delivered:
      return verdict::Delivered{};
    case Kind::permanent:
      return verdict::Permanent{};
    case Kind::retryable:
      break;
  }
  if (stopping) return verdict::Abandon{};
  if (now >= give_up_at) return verdict::GiveUp{};
  auto left = std::chrono::duration_cast<std::chrono::seconds>(give_up_at - now);
  auto delay = retry_after ? std::clamp(*retry_after, std::chrono::seconds{1}, k_retry_after_max)
                           : retry_delay(service, attempts, jitter);
  return verdict::RetryAt{now + std::min(delay, left)};
}

}  // namespace deadlined::scheduler
