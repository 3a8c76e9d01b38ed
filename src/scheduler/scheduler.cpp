#include "scheduler/scheduler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "scheduler/deliveries.hpp"
#include "scheduler/journal_states.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/retry_policy.hpp"
#include "util/overloaded.hpp"

namespace deadlined::scheduler {
namespace {

/// Due jobs are dispatched (and their attempts committed) this many at a time, so that the
/// first sends of a burst of thousands start at once.
constexpr std::size_t k_dispatch_chunk = 512;
std::string describe(const std::vector<std::string>& to, const std::vector<std::string>& cc) {
  return message::join_list(to) + (cc.empty() ? "" : " (cc " + message::join_list(cc) + ")");
}

bool is_retry(const Job& job) {
  const auto* send = std::get_if<SendDelivery>(&job.work);
  return send && send->retry;
}

}  // namespace

SysSeconds system_now() {
  return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Scheduler::Scheduler(boost::asio::io_context& io, boost::asio::thread_pool& workers,
                     journal::Store& journal, Clock clock, std::unique_ptr<Timer> timer,
                     std::chrono::milliseconds record_window)
    : io_(io),
      journal_(journal),
      clock_(std::move(clock)),
      timer_(timer ? std::move(timer) : std::make_unique<WallTimer>(io)),
      lanes_(
          io, workers, [this](SendLanes::Finished finished) { record(std::move(finished)); },
          record_window) {}

void Scheduler::load(std::shared_ptr<const config::Config> config,
                     std::shared_ptr<const delivery::ChannelSet> channels,
                     std::shared_ptr<const schedule::Extensions> extensions) {
  SysSeconds now = clock_();
  if (!extensions) extensions = std::make_shared<const schedule::Extensions>();
  auto generation = std::make_shared<const Generation>(
      Generation{config, std::move(channels), std::move(extensions)});
  // Reading the journal may throw: the running schedule stays until the plan is made. The
  // prepared deliveries it replaces leave room for its own.
  disabled_.reconcile(*config);
  Planner planner(generation, now, k_prepared_limit, journal_.created_at());
  JournalStates states(journal_);
  LoadPlan plan = planner.load(states);
  rates_.configure(*config);
  if (!current_ && rates_.longest().count() > 0) {
    // At a start, the sends before it count against the rates (a bundle's members each).
    for (const journal::Attempt& a : journal_.attempts({{}, {}, {}, now - rates_.longest(), {}}))
      rates_.started(a.channel, a.started_at);
  }
  rate_lines_.wake_all(now);  // a changed rate takes effect at once

  std::size_t kept = queue_.keep_carried_over();
  if (config->service.digest && config->monitor_unit())
    queue_.push(Job{next_digest(*config, now, false), 0, generation, DigestTick{}});
  for (Job& job : plan.jobs)
    queue_.push(std::move(job));
  current_ = generation;
  spdlog::info(
      "schedule loaded: {} deadlines waiting for their first reminder, {} upcoming reminders of "
      "deadlines under way, {} to catch up, {} retries pending",
      plan.waiting, plan.upcoming, plan.caught_up, kept);
  arm();
}

void Scheduler::stop(std::function<void()> on_idle) {
  stopping_ = true;
  timer_->cancel();
  for (const Send& send : lanes_.stop()) {
    for (const std::string& key : send.job.journal_keys())
      in_flight_.erase(key);
  }
  // Nothing of them is recorded yet: the next start sends them.
  if (std::size_t held = bundles_.clear() + rate_lines_.clear())
    spdlog::info("stopping: {} deliveries not yet started are left to the next start", held);
  if (in_flight_.empty()) {
    on_idle();
  } else {
    on_idle_ = std::move(on_idle);
  }
}

std::optional<SysSeconds> Scheduler::next_event() const {
  if (stopping_) return std::nullopt;
  return queue_.next_event();
}

void Scheduler::arm() {
  if (stopping_) return;
  std::optional<SysSeconds> wake = queue_.next_wake();
  if (auto waiting = rate_lines_.next_wake(); waiting && (!wake || *waiting < *wake))
    wake = waiting;
  if (wake) {
    timer_->async_wait_until(*wake, [this](bool reached) {
      if (!reached) spdlog::warn("the wall clock was set; re-planning from the new time");
      dispatch_due();
    });
  } else {
    timer_->cancel();
  }
  if (on_change) on_change();
}

void Scheduler::dispatch_due() {
  SysSeconds now = clock_();
  std::size_t left = k_dispatch_chunk;
  in_batch([&] {
    Job job;
    while (left > 0 && queue_.pop_due(now, job)) {
      --left;
      dispatch_or_defer(std::move(job), now);
    }
    release_waiting(now);  // after: a catch-up of what waits finds it waiting
    // A group is complete once no job of its instant is left to dispatch (the queue goes
    // by time): the groups of a burst's instant are begun here, after its last chunk.
    std::optional<SysSeconds> before;
    if (queue_.has_due(now)) before = queue_.next_wake();
    for (std::vector<Job>& group : bundles_.ready(before))
      start_group(std::move(group), now);
  });
  if (!stopping_ && queue_.has_due(now)) {
    // More are due: the sends of this chunk start, and finished ones are taken in, first.
    boost::asio::post(io_, [this] {
      if (!stopping_) dispatch_due();
    });
    return;
  }
  tell_waiting();
  arm();
}

void Scheduler::dispatch_or_defer(Job job, SysSeconds now) {
  try {
    dispatch(job, now);
  } catch (const std::exception& e) {
    defer(std::move(job), now, e.what());
  }
}

void Scheduler::defer(Job job, SysSeconds now, const char* what) {
  // The journal could not record the attempt (disk full, I/O error): nothing was sent;
  // try again later rather than send unrecorded or drop the reminder.
  auto delay = job.generation->config->service.retry_initial;
  spdlog::error("cannot dispatch {}: {}; trying again in {}s", job.describe(), what, delay.count());
  job.at = now + delay;
  queue_.push(std::move(job));
}

void Scheduler::dispatch(const Job& job, SysSeconds now) {
  std::visit(util::Overloaded{
                 [&](const ComputeOccurrence& compute) {
                   Planner planner(job.generation, now, queue_.prepared_room(k_prepared_limit),
                                   journal_.created_at());
                   for (Job& next : planner.occurrence(compute.pending))
                     queue_.push(std::move(next));
                 },
                 [&](const SendReminder& send) {
                   if (obsolete_.skip(*send.reminder, current_.get())) return;
                   for (Delivery& d : deliveries_of(*job.generation, *send.reminder, now)) {
                     offer(Job{job.at, 0, job.generation,
                               SendDelivery{send.reminder,
                                            std::make_shared<const Delivery>(std::move(d)), false}},
                           now);
                   }
                 },
                 [&](const SendDelivery& send) {
                   if (!obsolete_.drop(send, now, current_.get())) offer(job, now);
                 },
                 [&](const SendBundle&) {
                   for (Job& member : members_of(job))
                     dispatch(member, now);
                 },
                 [&](const SendReport&) { start_group({job}, now); },
                 [&](const DigestTick&) {
                   const Generation& current = current_ ? *current_ : *job.generation;
                   reports_.digest(job, now, current.extensions_in_force(),
                                   [&](const ids::AssignmentId& a) { return journal_.latest(a); });
                 },
             },
             job.work);
}

void Scheduler::in_batch(const std::function<void()>& work) {
  bool began = false;
  try {
    journal_.begin();
    began = true;
  } catch (const std::exception& e) {
    spdlog::error("cannot begin a journal transaction: {}; writing without one", e.what());
  }
  in_batch_ = began;
  bool committed = !began;
  try {
    work();
    if (began) journal_.commit();
    committed = true;
  } catch (const std::exception& e) {
    spdlog::error("cannot commit the journal: {}", e.what());
  }
  in_batch_ = false;
  std::vector<Send> sends = std::move(unposted_);
  unposted_.clear();
  if (!committed) {
    // The attempts were not recorded, so nothing of them was sent: queue them again. The
    // outcomes of this batch stay pending in the journal; a restart sends those again.
    journal_.rollback();
    SysSeconds now = clock_();
    for (Send& send : sends) {
      for (const std::string& key : send.job.journal_keys())
        in_flight_.erase(key);
      for (Job& job : members_of(std::move(send.job))) {
        job.at = now + job.generation->config->service.retry_initial;
        queue_.push(std::move(job));
      }
    }
    return;
  }
  for (Send& send : sends)
    lanes_.enqueue(std::move(send));
}

void Scheduler::offer(Job job, SysSeconds now) {
  if (!bundles_.take(job)) start_group({std::move(job)}, now);  // a group of one
}

void Scheduler::start_group(std::vector<Job> group, SysSeconds now) {
  const std::string channel = group.front().delivery()->outbound.channel;
  if (auto until = rate_lines_.must_wait(channel, rates_, now)) {
    rate_lines_.hold(channel, std::move(group), *until);
    return;
  }
  if (send_group(std::move(group), now)) rates_.started(channel, now);
}

void Scheduler::release_waiting(SysSeconds now) {
  rate_lines_.release(rates_, now, [&](std::vector<Job> group) {
    // What has lost its point while it waited goes no further (its reminder confirmed...).
    std::erase_if(group, [&](const Job& job) {
      const auto* send = std::get_if<SendDelivery>(&job.work);
      try {
        return send && obsolete_.drop(*send, now, current_.get());
      } catch (const std::exception& e) {
        defer(job, now, e.what());
        return true;
      }
    });
    return !group.empty() && send_group(std::move(group), now);
  });
}

void Scheduler::tell_waiting() {
  for (const auto& [channel, waiting] : rate_lines_.take_begun()) {
    const config::RateLimit* rate = rates_.rate_of(channel);
    spdlog::info("{}: rate {} reached; {} sends wait", channel, rate ? rate_text(*rate) : "?",
                 waiting);
  }
}

bool Scheduler::send_group(std::vector<Job> group, SysSeconds now) {
  std::vector<Job> admitted;
  for (Job& job : group) {
    try {
      if (admit(job, now)) admitted.push_back(std::move(job));
    } catch (const std::exception& e) {
      defer(std::move(job), now, e.what());
    }
  }
  const bool sends = !admitted.empty();
  if (admitted.size() == 1) {
    launch(std::move(admitted.front()), now);  // alone, it goes as it would unbundled
  } else if (!admitted.empty()) {
    Job bundle = bundle_job(std::move(admitted));
    spdlog::info("bundling {} reminders to {} as {}", bundle.journal_keys().size(),
                 addresses_of(*bundle.delivery()), bundle.delivery()->outbound.id);
    launch(std::move(bundle), now);
  }
  return sends;
}

bool Scheduler::admit(const Job& job, SysSeconds now) {
  if (stopping_) return false;
  const Delivery& d = *job.delivery();
  if (in_flight_.count(d.record.key)) return false;
  if (disabled_.disabled(d.outbound.channel)) {
    // Nothing is recorded: once a reload enables the channel again, the catch-up sends
    // the latest stage it missed.
    spdlog::info("skip {} via {}: the channel is disabled (its receiver answered 410 Gone)",
                 d.outbound.id, d.outbound.channel);
    if (is_retry(job)) obsolete_.retry_ended(d.lineage);
    return false;
  }
  // The attempt is recorded before the send waits for its turn or starts (a throw leaves
  // nothing held; the caller queues the job again): a restart takes up a send that was
  // waiting as well as one cut short.
  if (!journal_.mark_attempt(d.record, now, addresses_of(d))) {
    spdlog::debug("skip {}: already delivered or failed according to the journal", d.record.key);
    if (is_retry(job)) obsolete_.retry_ended(d.lineage);
    return false;
  }
  return true;
}

void Scheduler::launch(Job job, SysSeconds now) {
  const Delivery& d = *job.delivery();
  for (std::string& key : job.journal_keys())
    in_flight_.insert(std::move(key));
  // The outcome's line names the same message at info; this one is for following a send.
  spdlog::debug(
      "sending {} via {} to {}", d.outbound.id, d.outbound.channel,
      d.recipients.size() == 1 ? d.recipients.front() : describe(d.outbound.to, d.outbound.cc));
  delivery::Channel* channel = job.generation->channels->find(d.outbound.channel);
  // The content is taken when the send starts (see SendLanes): a burst's queued sends do not
  // each hold a copy.
  delivery::Envelope envelope{d.outbound.id, d.recipients, {}};
  Send send{std::move(job), std::move(envelope), channel, now};
  if (in_batch_) {
    unposted_.push_back(std::move(send));  // handed on once its attempt is committed
  } else {
    lanes_.enqueue(std::move(send));
  }
}

void Scheduler::record(SendLanes::Finished finished) {
  in_batch([&] {
    std::vector<std::string> delivered;
    for (auto& [job, outcome] : finished) {
      std::vector<std::string> keys = job.journal_keys();
      try {
        record_outcome(std::move(job), std::move(outcome), delivered);
      } catch (const std::exception& e) {
        // The row stays pending, so the next start sends it again with the same key.
        spdlog::error("cannot record the outcome of a delivery in the journal: {}", e.what());
      }
      for (const std::string& key : keys)
        in_flight_.erase(key);
    }
    try {
      journal_.mark_delivered(delivered, clock_());
    } catch (const std::exception& e) {
      spdlog::error("cannot record {} deliveries in the journal: {}; they stay pending",
                    delivered.size(), e.what());
    }
  });
  if (stopping_ && in_flight_.empty() && on_idle_) {
    auto on_idle = std::move(on_idle_);
    on_idle_ = nullptr;
    on_idle();
    return;
  }
  arm();
}

void Scheduler::record_outcome(Job job, delivery::Outcome outcome,
                               std::vector<std::string>& delivered) {
  SysSeconds now = clock_();
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  const double draw = jitter(random_);
  // A bundle's outcome is each member's, judged on its own attempts and give-up time; the
  // members that retry do so together, to be bundled again.
  std::vector<Job> members = members_of(std::move(job));
  std::vector<Verdict> verdicts;
  std::vector<int> attempts;
  for (const Job& member : members) {
    const Delivery& d = *member.delivery();
    // The attempts are read only when a retry may follow (a burst's outcomes are
    // delivered, and a give-up needs none).
    bool retryable = outcome.kind == delivery::Outcome::Kind::retryable;
    attempts.push_back(
        retryable && !stopping_ && now < d.give_up_at ? journal_.attempts(d.record.key) : 0);
    verdicts.push_back(decide(outcome.kind, attempts.back(), now, d.give_up_at, stopping_,
                              member.generation->config->service, draw, outcome.retry_after));
  }
  align_retries(verdicts);
  for (std::size_t i = 0; i < members.size(); ++i)
    apply(std::move(members[i]), outcome, verdicts[i], attempts[i], now, delivered);
}

void Scheduler::apply(Job job, const delivery::Outcome& outcome, const Verdict& verdict,
                      int attempts, SysSeconds now, std::vector<std::string>& delivered) {
  const Delivery& d = *job.delivery();
  const std::string& key = d.record.key;
  ChannelStats& stats = stats_[d.outbound.channel];
  if (outcome.quota_remaining) stats.quota_remaining = outcome.quota_remaining;
  const bool was_retry = is_retry(job);
  std::visit(
      util::Overloaded{
          [&](verdict::Delivered) {
            ++stats.delivered;
            delivered.push_back(key);
            obsolete_.delivered(d);
            if (spdlog::should_log(spdlog::level::info)) {
              spdlog::info("delivered {} via {} to {}: {}", d.outbound.id, d.outbound.channel,
                           addresses_of(d), outcome.detail);
            }
          },
          [&](verdict::Abandon) {
            journal_.mark_failed(key, now, outcome.detail, false);
            spdlog::warn("abandoned {} via {} at shutdown; it stays pending: {}", d.outbound.id,
                         d.outbound.channel, outcome.detail);
          },
          [&](verdict::RetryAt retry) {
            journal_.mark_failed(key, now, outcome.detail, false);
            ++stats.retries;
            spdlog::warn("attempt {} of {} via {} to {} failed: {}; retrying in {}s", attempts,
                         d.outbound.id, d.outbound.channel, addresses_of(d), outcome.detail,
                         (retry.at - now).count());
            // A retry stays across reloads.
            std::shared_ptr<const Delivery> rendered;  // keeps `d` alive to the end
            if (auto* send = std::get_if<SendDelivery>(&job.work)) {
              if (!send->retry) obsolete_.retry_queued(d);
              send->retry = true;
              rendered = send->delivery;
              render_when_sent(*send);
            }
            job.at = retry.at;
            queue_.push(std::move(job));
          },
          [&](auto final_verdict) {
            constexpr bool gave_up = std::is_same_v<decltype(final_verdict), verdict::GiveUp>;
            ++stats.failed;
            journal_.mark_failed(key, now, outcome.detail, true);
            spdlog::error("{} {} via {} to {}: {}",
                          gave_up ? "giving up on" : "permanent failure of", d.outbound.id,
                          d.outbound.channel, addresses_of(d), outcome.detail);
            if (outcome.gone)
              disabled_.disable(d.outbound.channel, *job.generation->config, now, outcome.detail);
            if (!d.is_report) reports_.delivery_failed(job, outcome, now);
          },
      },
      verdict);
  // A retry that ends here (not queued again) no longer waits on its lineage.
  if (was_retry && !std::holds_alternative<verdict::RetryAt>(verdict))
    obsolete_.retry_ended(d.lineage);
}

}  // namespace deadlined::scheduler
