#include "scheduler/disabled_channels.hpp"

#include <spdlog/spdlog.h>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"
#include "ids/ids.hpp"

namespace deadlined::scheduler {
namespace {

/// The configuration of the webhook that `channel` names, if `config` has it.
const config::WebhookConfig* webhook_of(const config::Config& config, const std::string& channel) {
  auto id = ids::ChannelId::parse(channel);
  if (!id || id->is_email()) return nullptr;
  auto it = config.webhooks.find(id->webhook);
  return it == config.webhooks.end() ? nullptr : &it->second;
}

}  // namespace

std::string fingerprint(const config::WebhookConfig& w) {
  // Each field is followed by a NUL, which none of them holds, so that no two
  // configurations run together into the same text. The secret is hashed with the rest:
  // the journal holds only this digest of it.
  std::string text = w.url + '\0' + w.secret.value + '\0';
  for (const auto& [name, value] : w.headers)
    text += name + ':' + value + '\0';
  text += std::to_string(w.timeout.count()) + (w.insecure_skip_verify ? "k" : "v");
  return codec::hex_encode(codec::sha256(text).substr(0, 16));
}

void DisabledChannels::reconcile(const config::Config& config) {
  if (!restored_) {
    for (journal::DisabledChannel& entry : journal_.disabled_channels())
      entries_.emplace(entry.channel, std::move(entry));
    restored_ = true;
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    const config::WebhookConfig* webhook = webhook_of(config, it->first);
    if (webhook && fingerprint(*webhook) == it->second.fingerprint) {
      spdlog::warn(
          "{} stays disabled: its receiver answered {}; change its configuration and "
          "reload to send to it again",
          it->first, it->second.reason);
      ++it;
      continue;
    }
    journal_.enable_channel(it->first);
    spdlog::info("{} is enabled again: its configuration has {}", it->first,
                 webhook ? "changed" : "been removed");
    it = entries_.erase(it);
  }
}

void DisabledChannels::disable(const std::string& channel, const config::Config& config,
                               SysSeconds now, const std::string& reason) {
  const config::WebhookConfig* webhook = webhook_of(config, channel);
  if (!webhook) return;
  journal::DisabledChannel entry{channel, fingerprint(*webhook), now, reason};
  journal_.disable_channel(entry);
  spdlog::error(
      "{} is disabled: its receiver answered {}; nothing more is sent to it until its "
      "configuration changes",
      channel, reason);
  entries_[channel] = std::move(entry);
}

}  // namespace deadlined::scheduler
