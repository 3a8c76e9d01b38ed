#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "scheduler/job.hpp"
#include "scheduler/retry_policy.hpp"

namespace deadlined::scheduler {

/// The grouping stage between dispatch and the journal ([service] bundle): the email
/// deliveries of reminders due at one instant to one addressee (and, for SMTP, one
/// address) are gathered while the due jobs are dispatched, and handed on once no job of
/// their instant is left to dispatch. A group of one is sent as it is; a larger one as one
/// message (bundle_job). Each member keeps its journal row, attempt and outcome, so a
/// retry regroups what is still undelivered. Pure: no Asio, no journal.
class Bundler {
 public:
  /// Takes `job`, a SendDelivery of a reminder's email with bundling on, into its group and
  /// returns true; returns false, leaving `job`, for any other (a webhook, a report).
  bool take(Job& job);
  /// Removes and returns the groups of instants before `before` (every group without it),
  /// in the order they were begun, each with its jobs in the order they came.
  std::vector<std::vector<Job>> ready(std::optional<SysSeconds> before);
  /// Drops every group, returning how many jobs they held (at a stop: none of them is
  /// recorded, so the next start sends them).
  std::size_t clear();
  bool empty() const { return groups_.empty(); }

 private:
  /// The instant, the load, the channel, the addressee and (per-recipient channels) the
  /// address.
  /// (instant, generation, channel, addressee, address, person).
  using Key =
      std::tuple<SysSeconds, const Generation*, std::string, std::string, std::string, std::string>;
  /// The group of `job`; none when it is not bundled.
  static std::optional<Key> key_of(const Job& job);
  std::map<Key, std::size_t> index_;  // into groups_
  std::vector<std::vector<Job>> groups_;
};

/// The send of `members`, two or more SendDelivery jobs of one group whose attempts are
/// recorded, as one message: listed by deadline then key, its id ids::bundle_id of their
/// keys, to their addressee with the copies any of them makes, given up with the first of
/// them.
Job bundle_job(std::vector<Job> members);

/// A bundle job's members as jobs of their own (to record or queue each); a job of another
/// kind as it is.
std::vector<Job> members_of(Job job);

/// The members of one bundle retry together: every RetryAt of `verdicts` becomes the
/// earliest of them (so never after any member's own give-up time).
void align_retries(std::vector<Verdict>& verdicts);

}  // namespace deadlined::scheduler
