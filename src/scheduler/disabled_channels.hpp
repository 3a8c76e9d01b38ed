#pragma once

#include <map>
#include <string>

#include "config/config.hpp"
#include "journal/store.hpp"

namespace deadlined::scheduler {

using config::SysSeconds;

/// The webhooks whose receiver answered 410 Gone: nothing more is sent to one until a reload
/// changes its configuration (its url, headers, secret, timeout or TLS setting) or removes
/// it. Kept in the journal, so that a restart does not send to it again either.
class DisabledChannels {
 public:
  explicit DisabledChannels(journal::Store& journal) : journal_(journal) {}

  /// At each (re)load of `config`: reads the journal's entries the first time, and enables
  /// again each channel whose configuration has changed or gone. Throws when the journal
  /// cannot be read or written.
  void reconcile(const config::Config& config);
  bool disabled(const std::string& channel) const { return entries_.count(channel) > 0; }
  /// Disables `channel` of `config` at `now` (its receiver answered `reason`). Throws when
  /// the journal cannot be written.
  void disable(const std::string& channel, const config::Config& config, SysSeconds now,
               const std::string& reason);
  /// The channels disabled, by name.
  const std::map<std::string, journal::DisabledChannel>& entries() const { return entries_; }

 private:
  journal::Store& journal_;
  bool restored_ = false;
  std::map<std::string, journal::DisabledChannel> entries_;
};

/// 32 hex digits that change whenever what `webhook` sends, or where, changes.
std::string fingerprint(const config::WebhookConfig& webhook);

}  // namespace deadlined::scheduler
