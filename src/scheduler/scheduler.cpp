#include "scheduler/scheduler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "message/time_format.hpp"

namespace deadlined::scheduler {
namespace {

/// Reminders found this long after their time when (re)loading are marked late.
constexpr std::chrono::seconds k_late_grace{60};
/// Retryable failures are retried until this long after the deadline, then reported.
constexpr std::chrono::hours k_give_up_after_due{24};

journal::DeliveryRecord record_of(const schedule::Reminder& r, const message::Outbound& out) {
  journal::DeliveryRecord record;
  record.key = out.journal_key;
  record.reminder_key = out.id;
  record.channel = out.channel;
  record.plan = r.plan->id;
  record.task = r.task->id;
  record.occurrence = r.occurrence;
  record.stage = r.lead->text;
  record.unit = r.unit->id;
  record.scheduled_at = r.at;
  record.due_at = r.due;
  record.late = r.late;
  return record;
}

}  // namespace

SysSeconds system_now() {
  return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Scheduler::Scheduler(boost::asio::io_context& io, journal::Journal& journal, Clock clock)
    : io_(io), journal_(journal), clock_(std::move(clock)), timer_(io) {}

Scheduler::~Scheduler() {
  join();
}

void Scheduler::join() {
  workers_.join();
}

void Scheduler::push(Job job) {
  job.sequence = ++sequence_;
  queue_.push(std::move(job));
}

void Scheduler::load(std::shared_ptr<const config::Config> config,
                     std::shared_ptr<const delivery::ChannelSet> channels) {
  SysSeconds now = clock_();
  schedule::Agenda agenda = schedule::agenda_at(*config, now, k_late_grace);

  // Read the journal before touching the queue: if it fails, the running schedule stays.
  std::vector<schedule::Reminder> catch_up;
  for (schedule::Reminder& r : agenda.catch_up) {
    bool all_done = true;
    for (const auto& out : message::outbound_for(*config, r, now, false)) {
      auto state = journal_.state_of(out.journal_key);
      if (!state || *state == journal::State::pending) all_done = false;
    }
    if (!all_done) catch_up.push_back(std::move(r));
  }

  std::vector<Job> kept;
  while (!queue_.empty()) {
    if (queue_.top().retry) kept.push_back(queue_.top());
    queue_.pop();
  }
  for (Job& job : kept)
    push(std::move(job));
  for (schedule::Reminder& r : agenda.upcoming) {
    push(Job{r.at, 0, config, channels, std::move(r), std::nullopt});
  }
  for (schedule::Reminder& r : catch_up) {
    if (r.late) {
      spdlog::info("catch-up: {} was due at {}; sending now, marked late", r.key(),
                   message::iso8601(config->service.zone, r.at));
    }
    push(Job{now, 0, config, channels, std::move(r), std::nullopt});
  }
  spdlog::info("schedule loaded: {} upcoming reminders, {} to catch up, {} retries pending",
               agenda.upcoming.size(), catch_up.size(), kept.size());
  arm();
}

void Scheduler::stop(std::function<void()> on_idle) {
  stopping_ = true;
  timer_.cancel();
  if (in_flight_.empty()) {
    on_idle();
  } else {
    on_idle_ = std::move(on_idle);
  }
}

std::optional<SysSeconds> Scheduler::next_event() const {
  if (queue_.empty() || stopping_) return std::nullopt;
  return queue_.top().at;
}

void Scheduler::arm() {
  if (stopping_) return;
  if (queue_.empty()) {
    timer_.cancel();
  } else {
    timer_.async_wait_until(queue_.top().at, [this](bool reached) { on_timer(reached); });
  }
  if (on_change) on_change();
}

void Scheduler::on_timer(bool reached) {
  SysSeconds now = clock_();
  if (!reached) spdlog::warn("the wall clock was set; re-planning from the new time");
  while (!queue_.empty() && queue_.top().at <= now) {
    Job job = queue_.top();
    queue_.pop();
    try {
      dispatch(job, now);
    } catch (const std::exception& e) {
      // The journal could not record the attempt (disk full, I/O error): nothing was sent;
      // try again later rather than send unrecorded or drop the reminder.
      auto delay = job.config->service.retry_initial;
      spdlog::error("cannot dispatch {}: {}; trying again in {}s", job.reminder.key(), e.what(),
                    delay.count());
      job.at = now + delay;
      push(std::move(job));
    }
  }
  arm();
}

void Scheduler::dispatch(const Job& job, SysSeconds now) {
  if (job.retry) return do_send(job, *job.retry, now);
  for (auto& out : message::outbound_for(*job.config, job.reminder, now, true)) {
    do_send(job, std::move(out), now);
  }
}

void Scheduler::do_send(const Job& job, message::Outbound outbound, SysSeconds now) {
  if (stopping_) return;
  const std::string& key = outbound.journal_key;
  if (in_flight_.count(key)) return;
  if (!job.retry) {
    auto state = journal_.state_of(key);
    if (state == journal::State::delivered || state == journal::State::failed) {
      spdlog::debug("skip {}: already {} according to the journal", key,
                    journal::to_string(*state));
      return;
    }
  }
  delivery::Channel* channel = job.channels->find(outbound.channel);
  if (!channel) {
    spdlog::error("no channel '{}' for {}; check the configuration", outbound.channel, key);
    return;
  }
  journal_.mark_attempt(record_of(job.reminder, outbound), now);
  in_flight_.insert(key);
  spdlog::info("sending {} via {} to {}{}", outbound.id, outbound.channel,
               message::join_list(outbound.to),
               outbound.cc.empty() ? "" : " (cc " + message::join_list(outbound.cc) + ")");
  delivery::Envelope envelope{outbound.id, outbound.to, outbound.content};
  envelope.recipients.insert(envelope.recipients.end(), outbound.cc.begin(), outbound.cc.end());
  boost::asio::post(workers_, [this, job, outbound = std::move(outbound),
                               envelope = std::move(envelope), channel]() mutable {
    delivery::Outcome outcome = channel->send(envelope);
    boost::asio::post(io_, [this, job = std::move(job), outbound = std::move(outbound),
                            outcome = std::move(outcome)]() mutable {
      on_sent(std::move(job), std::move(outbound), std::move(outcome));
    });
  });
}

std::chrono::seconds Scheduler::backoff(const config::Config& config, int attempts) {
  auto delay = config.service.retry_initial;
  for (int i = 1; i < attempts && delay < config.service.retry_max; ++i)
    delay *= 2;
  delay = std::min(delay, config.service.retry_max);
  // Up to a fifth of jitter, so that many failures do not retry in lockstep.
  std::uniform_int_distribution<std::int64_t> jitter(0, delay.count() / 5);
  return delay + std::chrono::seconds{jitter(random_)};
}

void Scheduler::on_sent(Job job, message::Outbound outbound, delivery::Outcome outcome) {
  in_flight_.erase(outbound.journal_key);
  try {
    record_outcome(std::move(job), std::move(outbound), std::move(outcome));
  } catch (const std::exception& e) {
    // The row stays pending, so the next start sends it again with the same key.
    spdlog::error("cannot record the outcome of a delivery in the journal: {}", e.what());
  }
  if (stopping_ && in_flight_.empty() && on_idle_) {
    auto on_idle = std::move(on_idle_);
    on_idle_ = nullptr;
    on_idle();
    return;
  }
  arm();
}

void Scheduler::record_outcome(Job job, message::Outbound outbound, delivery::Outcome outcome) {
  SysSeconds now = clock_();
  const std::string& key = outbound.journal_key;
  using Kind = delivery::Outcome::Kind;
  if (outcome.kind == Kind::delivered) {
    journal_.mark_delivered(key, now);
    spdlog::info("delivered {} via {} to {}: {}", outbound.id, outbound.channel,
                 message::join_list(outbound.to), outcome.detail);
  } else if (outcome.kind == Kind::retryable && !stopping_ &&
             now < job.reminder.due + k_give_up_after_due) {
    int attempts = journal_.attempts(key);
    auto delay = backoff(*job.config, attempts);
    journal_.mark_failed(key, now, outcome.detail, false);
    spdlog::warn("attempt {} of {} via {} failed: {}; retrying in {}s", attempts, outbound.id,
                 outbound.channel, outcome.detail, delay.count());
    job.at = now + delay;
    job.retry = std::move(outbound);
    push(std::move(job));
  } else if (outcome.kind == Kind::retryable && stopping_) {
    journal_.mark_failed(key, now, outcome.detail, false);
    spdlog::warn("abandoned {} via {} at shutdown; it stays pending: {}", outbound.id,
                 outbound.channel, outcome.detail);
  } else {
    journal_.mark_failed(key, now, outcome.detail, true);
    spdlog::error("giving up on {} via {} to {}: {}", outbound.id, outbound.channel,
                  message::join_list(outbound.to), outcome.detail);
  }
}

}  // namespace deadlined::scheduler
