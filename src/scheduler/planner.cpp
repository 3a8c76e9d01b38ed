#include "scheduler/planner.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <tuple>

#include "message/time_format.hpp"
#include "schedule/chase.hpp"
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
  schedule::Agenda agenda =
      schedule::agenda_at(config, now_, k_late_grace, generation_->extensions_in_force());
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
  // After the deadline only an attempt cut short by a stop or a crash is taken up again: at
  // once, as a retry is (the attempt was made in its time).
  std::vector<schedule::Reminder> resumed;
  for (schedule::Reminder& r : agenda.past_deadline) {
    if (chased(r) && any_delivery(r, unfinished)) resumed.push_back(std::move(r));
  }
  // A stage whose time came before this installation existed was not missed by a stop.
  for (auto* list : {&catch_up, &resumed}) {
    for (schedule::Reminder& r : *list) {
      if (installed_ && r.at < *installed_) r.late = false;
    }
  }
  std::vector<Job> caught_up = office_hours(agenda, std::move(catch_up), resumed);

  LoadPlan plan;
  plan.waiting = agenda.later.size();
  plan.upcoming = agenda.upcoming.size();
  plan.caught_up = caught_up.size() + resumed.size();
  add_upcoming(agenda, plan.jobs);
  for (Job& j : caught_up)
    plan.jobs.push_back(std::move(j));
  for (schedule::Reminder& r : resumed) {
    plan.jobs.push_back(
        job(now_, SendReminder{std::make_shared<const schedule::Reminder>(std::move(r))}));
  }
  add_later(agenda, plan.jobs);
  return plan;
}

std::vector<Job> Planner::office_hours(const schedule::Agenda& agenda,
                                       std::vector<schedule::Reminder> catch_up,
                                       const std::vector<schedule::Reminder>& resumed) const {
  const config::Config& config = *generation_->config;
  // The earliest stage still to come of each unit's part (and of each escalation).
  using Part =
      std::tuple<const config::Task*, std::string, const config::Unit*, const config::Unit*>;
  auto part_of = [](const schedule::Reminder& r) {
    return Part{r.task, r.occurrence, r.unit, r.recipient};
  };
  std::map<Part, SysSeconds> next;
  for (const schedule::Reminder& r : agenda.upcoming) {
    if (!chased(r)) continue;
    auto [it, added] = next.emplace(part_of(r), r.at);
    if (!added) it->second = std::min(it->second, r.at);
  }
  std::vector<Job> out;
  for (schedule::Reminder& r : catch_up) {
    std::optional<SysSeconds> at = schedule::catch_up_time(config, r, now_);
    auto it = next.find(part_of(r));
    bool superseded = at && *at > now_ && it != next.end() && it->second <= *at;
    if (!at || superseded) {
      spdlog::info("catch-up: {} was due at {}; not sent: {} before the next working morning",
                   r.key(), message::iso8601(config.service.zone, r.at),
                   superseded ? "a later stage goes" : "it is obsolete");
      continue;
    }
    if (*at != now_) {
      spdlog::info("catch-up: {} was due at {}; outside office hours, sending at {}{}", r.key(),
                   message::iso8601(config.service.zone, r.at),
                   message::iso8601(config.service.zone, *at), r.late ? ", marked late" : "");
    } else if (r.late) {
      spdlog::info("catch-up: {} was due at {}; sending now, marked late", r.key(),
                   message::iso8601(config.service.zone, r.at));
    }
    out.push_back(job(*at, SendReminder{std::make_shared<const schedule::Reminder>(std::move(r))}));
  }
  for (const schedule::Reminder& r : resumed) {
    spdlog::info("catch-up: {} was cut short after its deadline; resuming it now", r.key());
  }
  return out;
}

std::vector<Job> Planner::occurrence(const schedule::Pending& pending) {
  // Its reminders whose time has come are queued for now; the journal skips those already
  // delivered (after a reload at the same instant, say).
  schedule::Agenda agenda =
      schedule::agenda_of(*generation_->config, pending, generation_->extensions_in_force());
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
