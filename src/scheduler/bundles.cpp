#include "scheduler/bundles.hpp"

#include <algorithm>

#include "ids/ids.hpp"
#include "message/bundle.hpp"

namespace deadlined::scheduler {

std::optional<Bundler::Key> Bundler::key_of(const Job& job) {
  const auto* send = std::get_if<SendDelivery>(&job.work);
  if (!send || !send->reminder || !job.generation->config->service.bundle) return std::nullopt;
  // A decision on an extension is a letter of its own, not one of "N nhiệm vụ" to do.
  if (send->reminder->kind == schedule::Reminder::Kind::extension) return std::nullopt;
  const Delivery& d = *send->delivery;
  if (d.outbound.kind != message::Outbound::Kind::email) return std::nullopt;
  const delivery::Channel* channel = job.generation->channels->find(d.outbound.channel);
  if (!channel) return std::nullopt;
  // One message per address for a per-recipient channel (SMTP), so its members are the
  // deliveries to that address; else one message to everyone.
  std::string address =
      channel->per_recipient() && !d.recipients.empty() ? d.recipients.front() : std::string();
  return Key{job.at,
             job.generation.get(),
             d.outbound.channel,
             send->reminder->addressee().id,
             std::move(address),
             d.outbound.person};
}

bool Bundler::take(Job& job) {
  std::optional<Key> key = key_of(job);
  if (!key) return false;
  auto [it, fresh] = index_.try_emplace(std::move(*key), groups_.size());
  if (fresh) groups_.emplace_back();
  groups_[it->second].push_back(std::move(job));
  return true;
}

std::vector<std::vector<Job>> Bundler::ready(std::optional<SysSeconds> before) {
  std::vector<std::vector<Job>> out;
  std::vector<std::vector<Job>> kept;
  for (auto& group : groups_) {
    if (!before || group.front().at < *before) {
      out.push_back(std::move(group));
    } else {
      kept.push_back(std::move(group));
    }
  }
  groups_ = std::move(kept);
  index_.clear();
  for (std::size_t i = 0; i < groups_.size(); ++i)
    index_.emplace(*key_of(groups_[i].front()), i);
  return out;
}

std::size_t Bundler::clear() {
  std::size_t jobs = 0;
  for (const auto& group : groups_)
    jobs += group.size();
  groups_.clear();
  index_.clear();
  return jobs;
}

Job bundle_job(std::vector<Job> members) {
  std::sort(members.begin(), members.end(), [](const Job& a, const Job& b) {
    const auto& x = std::get<SendDelivery>(a.work);
    const auto& y = std::get<SendDelivery>(b.work);
    return std::tie(x.reminder->due, x.delivery->record.reminder_key) <
           std::tie(y.reminder->due, y.delivery->record.reminder_key);
  });
  SendBundle bundle;
  std::vector<std::string> keys;
  auto message = std::make_shared<Delivery>();
  for (const Job& job : members) {
    const SendDelivery& send = std::get<SendDelivery>(job.work);
    const Delivery& d = *send.delivery;
    keys.push_back(d.record.reminder_key);
    if (bundle.members.empty()) {
      message->outbound.kind = d.outbound.kind;
      message->outbound.channel = d.outbound.channel;
      message->outbound.to = d.outbound.to;
      message->outbound.person = d.outbound.person;
      message->give_up_at = d.give_up_at;
      message->unit_id = send.reminder->addressee().id;
      message->unit_name = send.reminder->addressee().name;
    }
    message->give_up_at = std::min(message->give_up_at, d.give_up_at);
    auto add_new = [](std::vector<std::string>& into, const std::vector<std::string>& from) {
      for (const std::string& item : from) {
        if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
      }
    };
    add_new(message->outbound.cc, d.outbound.cc);
    add_new(message->recipients, d.recipients);
    bundle.members.push_back(send);
  }
  message->outbound.id = ids::bundle_id(keys);
  // Not a journal key (each member has its own): what the logs name the message by.
  message->record.reminder_key = message->outbound.id;
  message->record.key = message->outbound.id + '/' + message->outbound.channel;
  if (message->recipients.size() == 1) message->record.key += ':' + message->recipients.front();
  bundle.delivery = std::move(message);
  Job job{members.front().at, 0, members.front().generation, std::move(bundle)};
  return job;
}

std::vector<Job> members_of(Job job) {
  auto* bundle = std::get_if<SendBundle>(&job.work);
  if (!bundle) return {std::move(job)};
  std::vector<Job> out;
  for (SendDelivery& member : bundle->members)
    out.push_back(Job{job.at, 0, job.generation, std::move(member)});
  return out;
}

void align_retries(std::vector<Verdict>& verdicts) {
  std::optional<SysSeconds> earliest;
  for (const Verdict& v : verdicts) {
    if (const auto* retry = std::get_if<verdict::RetryAt>(&v)) {
      if (!earliest || retry->at < *earliest) earliest = retry->at;
    }
  }
  for (Verdict& v : verdicts) {
    if (auto* retry = std::get_if<verdict::RetryAt>(&v)) retry->at = *earliest;
  }
}

}  // namespace deadlined::scheduler
