#include "scheduler/obsolete_sends.hpp"

#include <spdlog/spdlog.h>

namespace deadlined::scheduler {

bool ObsoleteSends::replaced(const schedule::Reminder& r, const Generation* current) {
  if (!current || r.kind == schedule::Reminder::Kind::extension) return false;
  const schedule::SysSeconds own = r.original_due.value_or(r.due);
  return current->extensions_in_force().deadline(r.assignment(), own) != r.due;
}

bool ObsoleteSends::skip(const schedule::Reminder& r, const Generation* current) {
  if (replaced(r, current)) {
    spdlog::info("skip {}: the deadline of {} has been extended since", r.key(), r.unit->id);
    return true;
  }
  if (!journal_.is_confirmed(r.assignment())) return false;
  spdlog::info("skip {}: {} has confirmed the task done", r.key(), r.unit->id);
  return true;
}

bool ObsoleteSends::drop(const SendDelivery& send, SysSeconds now, const Generation* current) {
  const Delivery& d = *send.delivery;
  if (skip(*send.reminder, current)) {
    if (send.retry) {
      // A retry that stops has its row closed, as a superseded one has.
      if (replaced(*send.reminder, current))
        journal_.mark_failed(d.record.key, now, "superseded: the deadline was extended", true);
      retry_ended(d.lineage);
    }
    return true;
  }
  if (!send.retry || !superseded(d)) return false;
  spdlog::info("dropping the retry of {} via {}: a later stage has been delivered since",
               d.outbound.id, d.outbound.channel);
  journal_.mark_failed(d.record.key, now, "superseded: a later stage was delivered", true);
  retry_ended(d.lineage);
  return true;
}

void ObsoleteSends::retry_queued(const Delivery& d) {
  if (!d.lineage.empty()) ++retrying_[d.lineage].retries;
}

void ObsoleteSends::delivered(const Delivery& d) {
  if (auto it = retrying_.find(d.lineage); it != retrying_.end()) {
    auto& latest = it->second.latest_delivered;
    if (!latest || *latest < d.record.scheduled_at) latest = d.record.scheduled_at;
  }
}

bool ObsoleteSends::superseded(const Delivery& d) const {
  auto it = retrying_.find(d.lineage);
  return it != retrying_.end() && it->second.latest_delivered &&
         *it->second.latest_delivered > d.record.scheduled_at;
}

void ObsoleteSends::retry_ended(const std::string& lineage) {
  auto it = retrying_.find(lineage);
  if (it != retrying_.end() && --it->second.retries <= 0) retrying_.erase(it);
}

}  // namespace deadlined::scheduler
