#include "delivery/channel.hpp"

#include <algorithm>

#include "delivery/channels.hpp"
#include "delivery/transfer_loop.hpp"
#include "util/parallel.hpp"

namespace deadlined::delivery {

std::string_view to_string(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::Kind::delivered:
      return "delivered";
    case Outcome::Kind::retryable:
      return "retryable";
    case Outcome::Kind::permanent:
      return "permanent";
  }
  return "permanent";
}

std::vector<std::vector<std::string>> recipient_groups(const Channel& channel,
                                                       std::vector<std::string> recipients) {
  if (!channel.per_recipient()) return {std::move(recipients)};
  std::vector<std::vector<std::string>> groups;
  for (auto& r : recipients)
    groups.push_back({std::move(r)});
  return groups;
}

namespace {
/// How many webhook transfers can run at once.
std::size_t webhook_transfers(const config::Config& config) {
  return k_channel_concurrency * std::max<std::size_t>(config.webhooks.size(), 1);
}
}  // namespace

ChannelSet::ChannelSet(const config::Config& config, const std::atomic<bool>& abort)
    // Room in each connection cache for every webhook's concurrent transfers; a thread per
    // core, at most one per transfer that can run.
    : loop_(std::make_unique<detail::TransferLoop>(webhook_transfers(config),
                                                   util::threads_for(webhook_transfers(config)))) {
  using Transport = config::EmailConfig::Transport;
  if (config.email.transport == Transport::smtp) {
    channels_["email"] = std::make_unique<SmtpChannel>(config.email, abort);
  } else if (config.email.transport == Transport::maildir) {
    channels_["email"] = std::make_unique<MaildirChannel>(config.email.maildir);
  }
  std::size_t index = 0;
  for (const auto& [name, hook] : config.webhooks) {
    channels_["webhook:" + name] = std::make_unique<WebhookChannel>(hook, abort, *loop_, index++);
  }
}

ChannelSet::~ChannelSet() = default;

Channel* ChannelSet::find(const std::string& name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.get();
}

}  // namespace deadlined::delivery
