#include "scheduler/scheduler.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "message/time_format.hpp"

namespace deadlined::scheduler {
namespace {

/// Reminders found this long after their time when (re)loading are marked late.
constexpr std::chrono::seconds k_late_grace{60};
/// Outcomes of sends are recorded together, this long after the first of them...
constexpr std::chrono::milliseconds k_record_window{20};
/// ...or as soon as this many have come.
constexpr std::size_t k_record_batch = 256;
/// Due jobs are dispatched (and their attempts committed) this many at a time, so that the
/// first sends of a burst of thousands start at once.
constexpr std::size_t k_dispatch_chunk = 512;
/// A deadline's reminders are computed this long before its first stage, and those due
/// within this time are prepared: their deliveries worked out and their webhook bodies
/// rendered. A burst due at one instant then starts sending at that instant, instead of
/// computing and rendering thousands of messages first (docs/PERFORMANCE.md).
constexpr std::chrono::seconds k_prepare_ahead{2};
/// At most this many prepared deliveries wait in the queue (with their bodies, about 1 KB
/// each); past it, reminders are prepared when they are due.
constexpr std::size_t k_prepared_limit = 16384;
/// Failure reports to the Office are retried for this long.
constexpr std::chrono::hours k_report_lifetime{24};

journal::DeliveryRecord reminder_record(const schedule::Reminder& r) {
  journal::DeliveryRecord record;
  record.plan = r.plan->id;
  record.task = r.task->id;
  record.occurrence = r.occurrence;
  record.stage = r.stage;
  record.unit = r.unit->id;
  record.scheduled_at = r.at;
  record.due_at = r.due;
  record.late = r.late;
  return record;
}

std::string describe(const std::vector<std::string>& to, const std::vector<std::string>& cc) {
  return message::join_list(to) + (cc.empty() ? "" : " (cc " + message::join_list(cc) + ")");
}

}  // namespace

SysSeconds system_now() {
  return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

Scheduler::Scheduler(boost::asio::io_context& io, journal::Journal& journal, Clock clock,
                     std::unique_ptr<Timer> timer)
    : io_(io),
      journal_(journal),
      clock_(std::move(clock)),
      timer_(timer ? std::move(timer) : std::make_unique<WallTimer>(io)) {}

Scheduler::~Scheduler() {
  join();
}

void Scheduler::join() {
  workers_.join();
}

void Scheduler::push(Job job) {
  job.sequence = ++sequence_;
  if (job.prepared) ++prepared_;
  queue_.push(std::move(job));
}

std::vector<schedule::Reminder> Scheduler::still_to_send(
    schedule::Agenda& agenda, const std::shared_ptr<const config::Config>& config,
    const std::shared_ptr<const delivery::ChannelSet>& channels, SysSeconds now) const {
  auto any_delivery = [&](const schedule::Reminder& r, auto&& predicate) {
    for (const Delivery& d : deliveries_of(*config, *channels, r, now)) {
      if (predicate(journal_.state_of(d.record.key))) return true;
    }
    return false;
  };
  auto unsent = [](std::optional<journal::State> s) { return !s || s == journal::State::pending; };
  auto unfinished = [](std::optional<journal::State> s) { return s == journal::State::pending; };
  std::vector<schedule::Reminder> out;
  for (schedule::Reminder& r : agenda.catch_up) {
    if (any_delivery(r, unsent)) out.push_back(std::move(r));
  }
  // After the deadline only an attempt cut short by a stop or a crash is taken up again.
  for (schedule::Reminder& r : agenda.past_deadline) {
    if (any_delivery(r, unfinished)) out.push_back(std::move(r));
  }
  return out;
}

void Scheduler::enqueue(schedule::Agenda& agenda, std::vector<schedule::Reminder> catch_up,
                        const std::shared_ptr<const config::Config>& config,
                        const std::shared_ptr<const delivery::ChannelSet>& channels,
                        SysSeconds now) {
  for (schedule::Reminder& r : agenda.upcoming) {
    auto reminder = std::make_shared<const schedule::Reminder>(std::move(r));
    if (reminder->at > now && reminder->at <= now + k_prepare_ahead &&
        prepared_ < k_prepared_limit) {
      prepare(reminder, config, channels, now);
    } else {
      push(Job{reminder->at, 0, config, channels, std::move(reminder), nullptr, std::nullopt});
    }
  }
  for (schedule::Reminder& r : catch_up) {
    if (r.late) {
      spdlog::info("catch-up: {} was due at {}; sending now, marked late", r.key(),
                   message::iso8601(config->service.zone, r.at));
    }
    push(Job{now, 0, config, channels, std::make_shared<const schedule::Reminder>(std::move(r)),
             nullptr, std::nullopt});
  }
  for (const schedule::Pending& pending : agenda.later) {
    push(Job{pending.at - k_prepare_ahead, 0, config, channels, nullptr, nullptr, pending});
  }
}

void Scheduler::prepare(const std::shared_ptr<const schedule::Reminder>& reminder,
                        const std::shared_ptr<const config::Config>& config,
                        const std::shared_ptr<const delivery::ChannelSet>& channels,
                        SysSeconds now) {
  for (Delivery& d : deliveries_of(*config, *channels, *reminder, now)) {
    // An email's Date is the time of its attempt: it is rendered when sent.
    if (d.outbound.kind == message::Outbound::Kind::webhook) {
      d.outbound.content = message::content_of(*config, *reminder, d.outbound, reminder->at);
    }
    auto delivery = std::make_shared<const Delivery>(std::move(d));
    Job job{reminder->at, 0, config, channels, reminder, std::move(delivery), std::nullopt};
    job.prepared = true;
    push(std::move(job));
  }
}

void Scheduler::load(std::shared_ptr<const config::Config> config,
                     std::shared_ptr<const delivery::ChannelSet> channels) {
  SysSeconds now = clock_();
  schedule::Agenda agenda = schedule::agenda_at(*config, now, k_late_grace);
  // Read the journal before touching the queue: if it fails, the running schedule stays.
  std::vector<schedule::Reminder> catch_up = still_to_send(agenda, config, channels, now);

  // Retries and reports carry their message and stay; the rest (prepared deliveries
  // included) is replaced.
  std::vector<Job> kept;
  while (!queue_.empty()) {
    if (queue_.top().delivery && !queue_.top().prepared) kept.push_back(queue_.top());
    queue_.pop();
  }
  prepared_ = 0;
  for (Job& job : kept)
    push(std::move(job));
  if (config->service.digest && config->monitor_unit()) {
    Job digest{
        next_digest(*config, now, false), 0, config, channels, nullptr, nullptr, std::nullopt};
    digest.digest = true;
    push(std::move(digest));
  }
  std::size_t upcoming = agenda.upcoming.size();
  std::size_t caught_up = catch_up.size();
  enqueue(agenda, std::move(catch_up), config, channels, now);
  spdlog::info(
      "schedule loaded: {} deadlines waiting for their first reminder, {} upcoming reminders of "
      "deadlines under way, {} to catch up, {} retries pending",
      agenda.later.size(), upcoming, caught_up, kept.size());
  arm();
}

void Scheduler::materialise(const Job& job, SysSeconds now) {
  // Its reminders whose time has come are queued for now; the journal skips those already
  // delivered (after a reload at the same instant, say).
  schedule::Agenda agenda = schedule::agenda_of(*job.config, *job.pending);
  spdlog::debug("{}.{}: occurrence {} scheduled, {} reminders", job.pending->plan->id,
                job.pending->task->id, job.pending->index, agenda.upcoming.size());
  enqueue(agenda, {}, job.config, job.channels, now);
}

void Scheduler::stop(std::function<void()> on_idle) {
  stopping_ = true;
  stop_requested_ = true;
  timer_->cancel();
  for (auto& [name, lane] : lanes_) {
    std::deque<Send> abandoned;
    {
      std::lock_guard lock(lane.mutex);
      abandoned.swap(lane.ready);
    }
    for (const Send& send : abandoned)
      in_flight_.erase(send.job.delivery->record.key);
  }
  if (in_flight_.empty()) {
    on_idle();
  } else {
    on_idle_ = std::move(on_idle);
  }
}

std::optional<SysSeconds> Scheduler::next_event() const {
  if (queue_.empty() || stopping_) return std::nullopt;
  // A deadline is computed a little before its first reminder, which is the event.
  const Job& next = queue_.top();
  return next.pending ? next.pending->at : next.at;
}

void Scheduler::arm() {
  if (stopping_) return;
  if (queue_.empty()) {
    timer_->cancel();
  } else {
    timer_->async_wait_until(queue_.top().at, [this](bool reached) { on_timer(reached); });
  }
  if (on_change) on_change();
}

void Scheduler::on_timer(bool reached) {
  if (!reached) spdlog::warn("the wall clock was set; re-planning from the new time");
  dispatch_due();
}

void Scheduler::dispatch_due() {
  SysSeconds now = clock_();
  std::size_t left = k_dispatch_chunk;
  in_batch([&] {
    while (left > 0 && !queue_.empty() && queue_.top().at <= now) {
      Job job = queue_.top();
      queue_.pop();
      if (job.prepared) --prepared_;
      --left;
      dispatch_or_defer(std::move(job), now);
    }
  });
  if (!stopping_ && !queue_.empty() && queue_.top().at <= now) {
    // More are due: the sends of this chunk start, and finished ones are taken in, first.
    boost::asio::post(io_, [this] {
      if (!stopping_) dispatch_due();
    });
    return;
  }
  arm();
}

void Scheduler::dispatch_or_defer(Job job, SysSeconds now) {
  try {
    dispatch(job, now);
  } catch (const std::exception& e) {
    // The journal could not record the attempt (disk full, I/O error): nothing was sent;
    // try again later rather than send unrecorded or drop the reminder.
    auto delay = job.config->service.retry_initial;
    spdlog::error("cannot dispatch {}: {}; trying again in {}s",
                  job.delivery ? job.delivery->record.key
                  : job.pending
                      ? job.pending->plan->id + "." + job.pending->task->id + " (next occurrence)"
                  : job.reminder ? job.reminder->key()
                                 : std::string("the digest"),
                  e.what(), delay.count());
    job.at = now + delay;
    push(std::move(job));
  }
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
    auto again = [&](Job job) {
      in_flight_.erase(job.delivery->record.key);
      job.at = now + job.config->service.retry_initial;
      push(std::move(job));
    };
    for (Send& send : sends)
      again(std::move(send.job));
    return;
  }
  for (Send& send : sends)
    enqueue_send(std::move(send));
}

std::vector<Scheduler::Delivery> Scheduler::deliveries_of(const config::Config& config,
                                                          const delivery::ChannelSet& channels,
                                                          const schedule::Reminder& r,
                                                          SysSeconds now) const {
  std::vector<Delivery> out;
  // The content is rendered by the thread that sends it (see run_lane): only keys, channels and
  // recipients are needed here.
  for (message::Outbound& outbound : message::outbound_for(config, r, now, false)) {
    const delivery::Channel* channel = channels.find(outbound.channel);
    if (!channel) {
      spdlog::error("no channel '{}' for {}; check the configuration", outbound.channel,
                    outbound.id);
      continue;
    }
    std::vector<std::string> everyone = outbound.to;
    everyone.insert(everyone.end(), outbound.cc.begin(), outbound.cc.end());
    auto groups = delivery::recipient_groups(*channel, std::move(everyone));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::vector<std::string>& group = groups[g];
      Delivery d;
      d.record = reminder_record(r);
      d.record.reminder_key = outbound.id;
      d.record.channel = outbound.channel;
      d.record.key = outbound.journal_key + (channel->per_recipient() ? ":" + group.front() : "");
      d.recipients = std::move(group);
      d.give_up_at = r.until + config.service.give_up_after;
      d.unit_id = r.unit->id;
      d.unit_name = r.unit->name;
      if (g + 1 == groups.size()) {
        d.outbound = std::move(outbound);  // the last group takes the message
      } else {
        d.outbound = outbound;
      }
      out.push_back(std::move(d));
    }
  }
  return out;
}

void Scheduler::dispatch(const Job& job, SysSeconds now) {
  if (job.pending) return materialise(job, now);
  if (job.digest) return send_digest(job, now);
  if (job.reminder && !(job.delivery && job.delivery->is_report)) {
    const schedule::Reminder& r = *job.reminder;
    if (journal_.is_confirmed({r.plan->id, r.task->id, r.occurrence, r.unit->id})) {
      spdlog::info("skip {}: {} has confirmed the task done", r.key(), r.unit->id);
      return;
    }
  }
  if (job.delivery) return start(job, now);
  if (!job.reminder) return;
  for (Delivery& d : deliveries_of(*job.config, *job.channels, *job.reminder, now)) {
    Job one = job;
    one.delivery = std::make_shared<const Delivery>(std::move(d));
    start(std::move(one), now);
  }
}

void Scheduler::start(Job job, SysSeconds now) {
  if (stopping_) return;
  const std::string key = job.delivery->record.key;
  if (in_flight_.count(key)) return;
  // The attempt is recorded before the send waits for its turn or starts (a throw leaves
  // nothing held; the caller queues the job again): a restart takes up a send that was
  // waiting as well as one cut short.
  if (!journal_.mark_attempt(job.delivery->record, now)) {
    spdlog::debug("skip {}: already delivered or failed according to the journal", key);
    return;
  }
  in_flight_.insert(key);
  const Delivery& d = *job.delivery;
  // The outcome's line names the same message at info; this one is for following a send.
  spdlog::debug(
      "sending {} via {} to {}", d.outbound.id, d.outbound.channel,
      d.recipients.size() == 1 ? d.recipients.front() : describe(d.outbound.to, d.outbound.cc));
  delivery::Channel* channel = job.channels->find(d.outbound.channel);
  // The content is taken when the send starts (see run_lane): a burst's queued sends do not
  // each hold a copy.
  delivery::Envelope envelope{d.outbound.id, d.recipients, {}};
  Send send{std::move(job), std::move(envelope), channel, now};
  if (in_batch_) {
    unposted_.push_back(std::move(send));  // handed on once its attempt is committed
  } else {
    enqueue_send(std::move(send));
  }
}

void Scheduler::enqueue_send(Send send) {
  Lane& lane = lanes_[send.job.delivery->outbound.channel];
  std::size_t slot = 0;
  {
    // A lane holds sends only while all its slots are taken, so a free slot means this send
    // is the next in line.
    std::lock_guard lock(lane.mutex);
    if (lane.busy.all()) {
      lane.ready.push_back(std::move(send));
      return;
    }
    while (lane.busy[slot])
      ++slot;
    lane.busy.set(slot);
  }
  if (send.channel->asynchronous()) {
    run_lane(lane, slot, std::move(send));
  } else {
    boost::asio::post(workers_, [this, &lane, slot, send = std::move(send)]() mutable {
      run_lane(lane, slot, std::move(send));
    });
  }
}

std::optional<Scheduler::Send> Scheduler::take(Lane& lane, std::size_t slot) {
  std::lock_guard lock(lane.mutex);
  if (lane.ready.empty()) {
    lane.busy.reset(slot);
    return std::nullopt;
  }
  Send send = std::move(lane.ready.front());
  lane.ready.pop_front();
  return send;
}

void Scheduler::run_lane(Lane& lane, std::size_t slot, Send send) {
  for (;;) {
    if (stop_requested_) {
      finish(std::move(send.job), delivery::Outcome::retryable("not started: shutting down"));
    } else {
      // A report, or a webhook prepared ahead, comes rendered; any other reminder's message
      // is rendered here, on a worker or the transfer loop (or, for the first sends of a
      // burst, the event loop).
      const Job& job = send.job;
      if (!job.delivery->outbound.content.empty()) {
        send.envelope.content = job.delivery->outbound.content;
      } else if (job.reminder) {
        send.envelope.content =
            message::content_of(*job.config, *job.reminder, job.delivery->outbound, send.at);
      }
      if (send.channel->asynchronous()) {
        // The slot goes with the transfer; the transfer loop's thread takes up the lane
        // when it ends.
        send.channel->send_async(
            std::move(send.envelope), slot,
            [this, &lane, slot, job = std::move(send.job)](delivery::Outcome outcome) mutable {
              // The next send is taken before this outcome is handed over: once every
              // outcome is in, the scheduler may be destroyed.
              std::optional<Send> next = take(lane, slot);
              finish(std::move(job), std::move(outcome));
              if (!next) return;
              if (next->channel->asynchronous()) {
                run_lane(lane, slot, std::move(*next));
              } else {
                boost::asio::post(workers_, [this, &lane, slot, next = std::move(*next)]() mutable {
                  run_lane(lane, slot, std::move(next));
                });
              }
            });
        return;
      }
      finish(std::move(send.job), send.channel->send(send.envelope));
    }
    std::optional<Send> next = take(lane, slot);
    if (!next) return;
    send = std::move(*next);
  }
}

void Scheduler::finish(Job job, delivery::Outcome outcome) {
  std::size_t waiting = 0;
  {
    std::lock_guard lock(finished_mutex_);
    finished_.emplace_back(std::move(job), std::move(outcome));
    waiting = finished_.size();
  }
  // Outcomes are recorded together, a little after the first of them (a sync blocks the
  // event loop) or as soon as many have come.
  if (waiting == 1) {
    boost::asio::post(io_, [this] {
      record_timer_.expires_after(k_record_window);
      record_timer_.async_wait([this](boost::system::error_code) { record_finished(); });
    });
  } else if (waiting == k_record_batch) {
    boost::asio::post(io_, [this] { record_timer_.cancel(); });
  }
}

void Scheduler::record_finished() {
  std::vector<std::pair<Job, delivery::Outcome>> finished;
  {
    std::lock_guard lock(finished_mutex_);
    finished.swap(finished_);
  }
  if (finished.empty()) return;
  in_batch([&] {
    std::vector<std::string> delivered;
    for (auto& [job, outcome] : finished) {
      std::string key = job.delivery->record.key;
      try {
        record_outcome(std::move(job), std::move(outcome), delivered);
      } catch (const std::exception& e) {
        // The row stays pending, so the next start sends it again with the same key.
        spdlog::error("cannot record the outcome of a delivery in the journal: {}", e.what());
      }
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

std::chrono::seconds Scheduler::backoff(const config::Config& config, int attempts) {
  auto delay = config.service.retry_initial;
  for (int i = 1; i < attempts && delay < config.service.retry_max; ++i)
    delay *= 2;
  delay = std::min(delay, config.service.retry_max);
  // Up to a fifth of jitter, so that many failures do not retry in lockstep.
  std::uniform_int_distribution<std::int64_t> jitter(0, delay.count() / 5);
  return delay + std::chrono::seconds{jitter(random_)};
}

void Scheduler::record_outcome(Job job, delivery::Outcome outcome,
                               std::vector<std::string>& delivered) {
  SysSeconds now = clock_();
  const Delivery& d = *job.delivery;
  const std::string& key = d.record.key;
  using Kind = delivery::Outcome::Kind;
  ChannelStats& stats = stats_[d.outbound.channel];
  if (outcome.kind == Kind::delivered) {
    ++stats.delivered;
    delivered.push_back(key);
    if (spdlog::should_log(spdlog::level::info)) {
      spdlog::info("delivered {} via {} to {}: {}", d.outbound.id, d.outbound.channel,
                   message::join_list(d.recipients.empty() ? d.outbound.to : d.recipients),
                   outcome.detail);
    }
    return;
  }
  std::string to = message::join_list(d.recipients.empty() ? d.outbound.to : d.recipients);
  if (outcome.kind == Kind::retryable && stopping_) {
    journal_.mark_failed(key, now, outcome.detail, false);
    spdlog::warn("abandoned {} via {} at shutdown; it stays pending: {}", d.outbound.id,
                 d.outbound.channel, outcome.detail);
    return;
  }
  if (outcome.kind == Kind::retryable && now < d.give_up_at) {
    int attempts = journal_.attempts(key);
    auto delay = std::min(backoff(*job.config, attempts),
                          std::chrono::duration_cast<std::chrono::seconds>(d.give_up_at - now));
    journal_.mark_failed(key, now, outcome.detail, false);
    ++stats.retries;
    spdlog::warn("attempt {} of {} via {} to {} failed: {}; retrying in {}s", attempts,
                 d.outbound.id, d.outbound.channel, to, outcome.detail, delay.count());
    job.at = now + delay;
    job.prepared = false;  // a retry stays across reloads
    push(std::move(job));
    return;
  }
  bool gave_up = outcome.kind == Kind::retryable;
  ++stats.failed;
  journal_.mark_failed(key, now, outcome.detail, true);
  spdlog::error("{} {} via {} to {}: {}", gave_up ? "giving up on" : "permanent failure of",
                d.outbound.id, d.outbound.channel, to, outcome.detail);
  if (!d.is_report) report_failure(job, outcome, now);
}

void Scheduler::report_failure(const Job& job, const delivery::Outcome& outcome, SysSeconds now) {
  const config::Config& config = *job.config;
  const config::Unit* monitor = config.monitor_unit();
  const Delivery& d = *job.delivery;
  std::string address = message::join_list(d.recipients.empty() ? d.outbound.to : d.recipients);
  if (!monitor) {
    spdlog::error("no monitor unit is configured to report the failure of {} to", address);
    return;
  }
  message::FailedDelivery failure{address,     d.outbound.channel, d.unit_id,
                                  d.unit_name, d.outbound.id,      outcome.detail};
  std::string report_id = message::failure_report_id(config, address, now);
  if (!reported_.insert(report_id).second) return;
  spdlog::info("reporting the failure of {} to {} as {}", address, monitor->id, report_id);
  for (message::Outbound& outbound : message::failure_report(config, *monitor, failure, now)) {
    queue_report(job.config, job.channels, *monitor, std::move(outbound), "delivery-failure",
                 report_id.substr(8, 8), now, now + k_report_lifetime);
  }
}

void Scheduler::queue_report(const std::shared_ptr<const config::Config>& config,
                             const std::shared_ptr<const delivery::ChannelSet>& channels,
                             const config::Unit& monitor, message::Outbound outbound,
                             const std::string& kind, const std::string& day, SysSeconds now,
                             SysSeconds give_up_at) {
  const delivery::Channel* channel = channels->find(outbound.channel);
  if (!channel) return;
  for (auto& group : delivery::recipient_groups(*channel, outbound.to)) {
    Delivery report;
    report.record.key =
        outbound.journal_key + (channel->per_recipient() ? ":" + group.front() : "");
    report.record.reminder_key = outbound.id;
    report.record.channel = outbound.channel;
    report.record.plan = "-";
    report.record.task = kind;
    report.record.occurrence = day;
    report.record.stage = "report";
    report.record.unit = monitor.id;
    report.record.scheduled_at = now;
    report.record.due_at = now;
    report.recipients = std::move(group);
    report.give_up_at = give_up_at;
    report.is_report = true;
    report.unit_id = monitor.id;
    report.unit_name = monitor.name;
    report.outbound = outbound;
    push(Job{now, 0, config, channels, nullptr, std::make_shared<const Delivery>(std::move(report)),
             std::nullopt});
  }
}

SysSeconds Scheduler::next_digest(const config::Config& config, SysSeconds now, bool after_today) {
  const auto* zone = config.service.zone;
  auto calendar = schedule::calendar_of(config);
  auto today = date::floor<date::days>(zone->to_local(now));
  auto at = [&](date::local_days day, std::chrono::minutes time) {
    return zone->to_sys(day + time, date::choose::earliest);
  };
  // A digest missed while the daemon was stopped goes out when it starts, that same day.
  if (!after_today && calendar.is_working_day(today) && now < at(today, config.service.day_end))
    return std::max(now, at(today, config.service.digest_time));
  return at(calendar.next_working_day(today), config.service.digest_time);
}

void Scheduler::send_digest(const Job& job, SysSeconds now) {
  const config::Config& config = *job.config;
  Job next{
      next_digest(config, now, true), 0, job.config, job.channels, nullptr, nullptr, std::nullopt};
  next.digest = true;
  push(std::move(next));
  const config::Unit* monitor = config.monitor_unit();
  if (!monitor) return;
  std::vector<message::DigestItem> items;
  for (schedule::OpenOccurrence& open : schedule::open_occurrences(config, now)) {
    message::DigestItem item{std::move(open), {}};
    for (const std::string& id : item.occurrence.task->responsible) {
      auto latest = journal_.latest(
          {item.occurrence.plan->id, item.occurrence.task->id, item.occurrence.occurrence, id});
      bool confirmed = latest && latest->confirmed;
      item.units.push_back(
          {config.find_unit(id), confirmed, confirmed ? latest->at : SysSeconds{}});
    }
    items.push_back(std::move(item));
  }
  std::string id = message::digest_id(config, now);
  if (!message::digest_needed(items)) {
    spdlog::info("{}: every unit has confirmed its open tasks; no digest today", id);
    return;
  }
  spdlog::info("sending {} to {}: {} open tasks", id, monitor->id, items.size());
  for (message::Outbound& outbound : message::digest(config, *monitor, items, now)) {
    queue_report(job.config, job.channels, *monitor, std::move(outbound), "digest", id.substr(7),
                 now, now + k_report_lifetime);
  }
}

}  // namespace deadlined::scheduler
