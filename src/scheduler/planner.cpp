#include "scheduler/planner.hpp"

#include <spdlog/spdlog.h>

#include "message/time_format.hpp"
#include "scheduler/deliveries.hpp"

namespace deadlined::scheduler {

Planner::Planner(std::shared_ptr<const Generation> generation, SysSeconds now,
                 std::size_t prepared_room, std::optional<SysSeconds> installed)
    : generation_(std::move(generation)),
      now_(now),
      prepared_room_(prepared_room),
      installed_(installed) {
  const config::ServiceConfig& service = generation_->config->service;
  std::optional<date::local_days> day = service.chase_from;
  if (!day && installed_) day = date::floor<date::days>(service.zone->to_local(*installed_));
  if (day) chase_from_ = service.zone->to_sys(date::local_seconds{*day}, date::choose::earliest);
}

LoadPlan Planner::load(DeliveryStates& states) {
  const config::Config& config = *generation_->config;
  schedule::Agenda agenda = schedule::agenda_at(config, now_, k_late_grace);
  auto any_delivery = [&](const schedule::Reminder& r, auto&& predicate) {
    for (const Delivery& d : deliveries_of(*generation_, r, now_)) {
      if (predicate(states.state_of(d.record.key))) return true;
    }
    return false;
  };
  auto unsent = [](std::optional<journal::State> s) { return !s || s == journal::State::pending; };
  auto unfinished = [](std::optional<journal::State> s) { return s == journal::State::pending; };
  // The journal is read before any job is made: if it fails, nothing is planned.
  std::vector<schedule::Reminder> catch_up;
  for (schedule::Reminder& r : agenda.catch_up) {
    if (chased(r) && any_delivery(r, unsent)) catch_up.push_back(std::move(r));
  }
  // After the deadline only an attempt cut short by a stop or a crash is taken up again.
  for (schedule::Reminder& r : agenda.past_deadline) {
    if (chased(r) && any_delivery(r, unfinished)) catch_up.push_back(std::move(r));
  }
  // A stage whose time came before this installation existed was not missed by a stop.
  for (schedule::Reminder& r : catch_up) {
    if (installed_ && r.at < *installed_) r.late = false;
  }

  LoadPlan plan;
  plan.waiting = agenda.later.size();
  plan.upcoming = agenda.upcoming.size();
  plan.caught_up = catch_up.size();
  add_upcoming(agenda, plan.jobs);
  for (schedule::Reminder& r : catch_up) {
    if (r.late) {
      spdlog::info("catch-up: {} was due at {}; sending now, marked late", r.key(),
                   message::iso8601(config.service.zone, r.at));
    }
    plan.jobs.push_back(
        job(now_, SendReminder{std::make_shared<const schedule::Reminder>(std::move(r))}));
  }
  add_later(agenda, plan.jobs);
  return plan;
}

std::vector<Job> Planner::occurrence(const schedule::Pending& pending) {
  // Its reminders whose time has come are queued for now; the journal skips those already
  // delivered (after a reload at the same instant, say).
  schedule::Agenda agenda = schedule::agenda_of(*generation_->config, pending);
  spdlog::debug("{}.{}: occurrence {} scheduled, {} reminders", pending.plan->id, pending.task->id,
                pending.index, agenda.upcoming.size());
  std::vector<Job> out;
  add_upcoming(agenda, out);
  add_later(agenda, out);
  return out;
}

void Planner::add_upcoming(schedule::Agenda& agenda, std::vector<Job>& out) {
  for (schedule::Reminder& r : agenda.upcoming) {
    if (!chased(r)) continue;
    auto reminder = std::make_shared<const schedule::Reminder>(std::move(r));
    if (reminder->at > now_ && reminder->at <= now_ + k_prepare_ahead && prepared_room_ > 0) {
      prepare(reminder, out);
    } else {
      SysSeconds at = reminder->at;
      out.push_back(job(at, SendReminder{std::move(reminder)}));
    }
  }
}

void Planner::add_later(const schedule::Agenda& agenda, std::vector<Job>& out) const {
  for (const schedule::Pending& pending : agenda.later)
    out.push_back(job(pending.at - k_prepare_ahead, ComputeOccurrence{pending}));
}

void Planner::prepare(const std::shared_ptr<const schedule::Reminder>& reminder,
                      std::vector<Job>& out) {
  const config::Config& config = *generation_->config;
  for (Delivery& d : deliveries_of(*generation_, *reminder, now_)) {
    // An email's Date is the time of its attempt: it is rendered when sent.
    if (d.outbound.kind == message::Outbound::Kind::webhook) {
      d.outbound.content = message::content_of(config, *reminder, d.outbound, reminder->at);
    }
    out.push_back(
        job(reminder->at,
            SendDelivery{reminder, std::make_shared<const Delivery>(std::move(d)), true}));
    if (prepared_room_ > 0) --prepared_room_;
  }
}

}  // namespace deadlined::scheduler
