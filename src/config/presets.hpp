#pragma once

#include <string_view>
#include <vector>

#include "config/config.hpp"

// The webhook presets: a provider's published API as the defaults of a [webhooks.NAME]
// table (url, method, body template, success rule, codes, rate). Keys written in the table
// override them. docs/CHANNELS.md documents each. Internal to config/.
namespace deadlined::config::detail {

/// "zalo-zns", "esms", "speedsms", "google-chat", "teams-workflow", "slack", "mattermost".
const std::vector<std::string_view>& preset_names();

/// Sets the defaults of `w.preset` on `w`; false for an unknown preset.
bool apply_preset(WebhookConfig& w);

/// The names a webhook's templates see: a reminder's, and for a webhook sent by phone also
/// `phone` and `sms_text` (the short text as the SMS carries it); a preset's body also sees
/// its provider's keys (`api_key`, `secret_key`, `brandname`, `sms_type`, `is_unicode`,
/// `template_id`, `template_data`).
std::vector<std::string_view> template_names(const WebhookConfig& w, bool provider_keys);

/// The keys `w.preset` requires besides url ("app_id", "refresh_token", …).
std::vector<std::string_view> required_keys(const WebhookConfig& w);

}  // namespace deadlined::config::detail
