#include "delivery/channel.hpp"

#include <algorithm>

#include "delivery/channels.hpp"
#include "ids/ids.hpp"

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

ChannelSet::ChannelSet(const config::Config& config, const std::atomic<bool>& abort,
                       detail::TransferLoop& loop, TokenStore* tokens) {
  using Transport = config::EmailConfig::Transport;
  const std::string email = ids::ChannelId::email().to_string();
  if (config.email.transport == Transport::smtp) {
    channels_[email] = std::make_unique<SmtpChannel>(config.email, abort);
  } else if (config.email.transport == Transport::maildir) {
    channels_[email] = std::make_unique<MaildirChannel>(config.email.maildir);
  }
  std::size_t index = 0;
  for (const auto& [name, hook] : config.webhooks) {
    channels_[ids::ChannelId::of_webhook(name).to_string()] =
        std::make_unique<WebhookChannel>(hook, abort, loop, index++, tokens);
  }
}

Channel* ChannelSet::find(const std::string& name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.get();
}

}  // namespace deadlined::delivery
