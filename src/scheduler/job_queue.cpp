#include "scheduler/job_queue.hpp"

#include <algorithm>
#include <memory>

#include "util/overloaded.hpp"

namespace deadlined::scheduler {

using util::Overloaded;

const Delivery* Job::delivery() const {
  if (const auto* send = std::get_if<SendDelivery>(&work)) return send->delivery.get();
  if (const auto* report = std::get_if<SendReport>(&work)) return report->delivery.get();
  if (const auto* bundle = std::get_if<SendBundle>(&work)) return bundle->delivery.get();
  return nullptr;
}

std::vector<std::string> Job::journal_keys() const {
  std::vector<std::string> keys;
  if (const auto* bundle = std::get_if<SendBundle>(&work)) {
    for (const SendDelivery& member : bundle->members)
      keys.push_back(member.delivery->record.key);
  } else if (const Delivery* d = delivery()) {
    keys.push_back(d->record.key);
  }
  return keys;
}

bool Job::carried_over() const {
  if (const auto* send = std::get_if<SendDelivery>(&work)) return !send->prepared;
  return std::holds_alternative<SendReport>(work) || std::holds_alternative<SendBundle>(work);
}

bool Job::prepared() const {
  const auto* send = std::get_if<SendDelivery>(&work);
  return send && send->prepared;
}

std::string Job::describe() const {
  return std::visit(Overloaded{
                        [](const ComputeOccurrence& c) {
                          return c.pending.plan->id + "." + c.pending.task->id +
                                 " (next occurrence)";
                        },
                        [](const SendReminder& s) { return s.reminder->key(); },
                        [](const SendDelivery& s) { return s.delivery->record.key; },
                        [](const SendBundle& s) { return s.delivery->record.key; },
                        [](const SendReport& s) { return s.delivery->record.key; },
                        [](const DigestTick&) { return std::string("the digest"); },
                    },
                    work);
}

void render_when_sent(SendDelivery& send) {
  send.prepared = false;
  if (!send.reminder || send.delivery->outbound.content.empty()) return;
  auto fresh = std::make_shared<Delivery>(*send.delivery);
  fresh->outbound.content.clear();
  send.delivery = std::move(fresh);
}

bool Later::operator()(const Job& a, const Job& b) const {
  if (a.at != b.at) return a.at > b.at;
  bool a_computes = std::holds_alternative<ComputeOccurrence>(a.work);
  bool b_computes = std::holds_alternative<ComputeOccurrence>(b.work);
  if (a_computes != b_computes) return a_computes;
  return a.sequence > b.sequence;
}

void JobQueue::push(Job job) {
  job.sequence = ++sequence_;
  if (job.prepared()) ++prepared_;
  heap_.push_back(std::move(job));
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

bool JobQueue::pop_due(SysSeconds now, Job& job) {
  if (!has_due(now)) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  job = std::move(heap_.back());
  heap_.pop_back();
  if (job.prepared()) --prepared_;
  return true;
}

std::optional<SysSeconds> JobQueue::next_wake() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

std::optional<SysSeconds> JobQueue::next_event() const {
  if (heap_.empty()) return std::nullopt;
  const Job& next = heap_.front();
  if (const auto* compute = std::get_if<ComputeOccurrence>(&next.work)) return compute->pending.at;
  return next.at;
}

std::size_t JobQueue::keep_carried_over() {
  std::erase_if(heap_, [](const Job& job) { return !job.carried_over(); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  prepared_ = 0;
  return heap_.size();
}

}  // namespace deadlined::scheduler
