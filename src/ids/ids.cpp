#include "ids/ids.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "codec/base64.hpp"
#include "codec/hmac.hpp"

namespace deadlined::ids {
namespace {

/// Splits `text` at each '.' into exactly N non-empty parts; none otherwise.
template <std::size_t N>
std::optional<std::array<std::string, N>> split_dots(std::string_view text) {
  std::array<std::string, N> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < N; ++i) {
    std::size_t dot = i + 1 < N ? text.find('.', start) : text.size();
    if (dot == std::string_view::npos) return std::nullopt;
    if (i + 1 == N && text.find('.', start) != std::string_view::npos) return std::nullopt;
    if (dot == start) return std::nullopt;
    parts[i] = std::string(text.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

bool all_digits(std::string_view text, std::size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool all_hex(std::string_view text, std::size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

constexpr std::string_view k_webhook_prefix = "webhook:";

}  // namespace

std::string AssignmentId::to_string() const {
  return plan + '.' + task + '.' + occurrence + '.' + unit;
}

std::optional<AssignmentId> AssignmentId::parse(std::string_view text) {
  auto parts = split_dots<4>(text);
  if (!parts) return std::nullopt;
  auto& [plan, task, occurrence, unit] = *parts;
  return AssignmentId{std::move(plan), std::move(task), std::move(occurrence), std::move(unit)};
}

std::string ReminderKey::to_string() const {
  const AssignmentId& a = assignment;
  std::string out;
  out.reserve(a.plan.size() + a.task.size() + a.occurrence.size() + stage.size() + a.unit.size() +
              4);
  out.append(a.plan).append(1, '.').append(a.task).append(1, '.').append(a.occurrence);
  out.append(1, '.').append(stage).append(1, '.').append(a.unit);
  return out;
}

std::optional<ReminderKey> ReminderKey::parse(std::string_view text) {
  auto parts = split_dots<5>(text);
  if (!parts) return std::nullopt;
  auto& [plan, task, occurrence, stage, unit] = *parts;
  return ReminderKey{{std::move(plan), std::move(task), std::move(occurrence), std::move(unit)},
                     std::move(stage)};
}

std::string ReportId::to_string() const {
  if (kind == Kind::digest) return "digest." + day;
  return "failure." + day + "." + address;
}

std::optional<ReportId> ReportId::parse(std::string_view text) {
  if (auto digest = split_dots<2>(text); digest && (*digest)[0] == "digest") {
    if (!all_digits((*digest)[1], 8)) return std::nullopt;
    return ReportId{Kind::digest, std::move((*digest)[1]), {}};
  }
  if (auto failure = split_dots<3>(text); failure && (*failure)[0] == "failure") {
    if (!all_digits((*failure)[1], 8) || !all_hex((*failure)[2], 16)) return std::nullopt;
    return ReportId{Kind::delivery_failure, std::move((*failure)[1]), std::move((*failure)[2])};
  }
  return std::nullopt;
}

std::string_view ReportId::kind_name() const {
  return kind == Kind::digest ? "digest" : "delivery-failure";
}

std::string ChannelId::to_string() const {
  return is_email() ? std::string("email") : std::string(k_webhook_prefix) + webhook;
}

std::optional<ChannelId> ChannelId::parse(std::string_view text) {
  if (text == "email") return email();
  if (text.substr(0, k_webhook_prefix.size()) != k_webhook_prefix) return std::nullopt;
  std::string_view name = text.substr(k_webhook_prefix.size());
  if (name.empty() || name.find_first_of(":/.") != std::string_view::npos) return std::nullopt;
  return of_webhook(std::string(name));
}

std::string DeliveryKey::message_id() const {
  return std::visit([](const auto& id) { return id.to_string(); }, message);
}

std::string DeliveryKey::to_string() const {
  std::string out = message_id();
  out.append(1, '/').append(channel.to_string());
  if (!address.empty()) out.append(1, ':').append(address);
  return out;
}

std::optional<DeliveryKey> DeliveryKey::parse(std::string_view text) {
  // Neither message ids nor channel names hold a '/'; an address may.
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view message = text.substr(0, slash);
  std::string_view rest = text.substr(slash + 1);
  // "email" or "webhook:NAME", then ":address" (channel names hold no ':').
  std::size_t colon = rest.find(':', rest.substr(0, k_webhook_prefix.size()) == k_webhook_prefix
                                         ? k_webhook_prefix.size()
                                         : 0);
  std::string_view channel = rest.substr(0, colon);
  auto channel_id = ChannelId::parse(channel);
  if (!channel_id) return std::nullopt;
  std::string address;
  if (colon != std::string_view::npos) {
    address = std::string(rest.substr(colon + 1));
    if (address.empty()) return std::nullopt;
  }
  if (auto reminder = ReminderKey::parse(message))
    return DeliveryKey{std::move(*reminder), std::move(*channel_id), std::move(address)};
  if (auto report = ReportId::parse(message))
    return DeliveryKey{std::move(*report), std::move(*channel_id), std::move(address)};
  return std::nullopt;
}

std::string webhook_id(std::string_view message) {
  return "msg_" + codec::hex_encode(codec::sha256(message).substr(0, 16));
}

std::string bundle_id(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  std::string joined;
  for (std::size_t i = 0; i < keys.size(); ++i)
    joined.append(i == 0 ? "" : "\n").append(keys[i]);
  return "bundle." + codec::hex_encode(codec::sha256(joined).substr(0, 16));
}

}  // namespace deadlined::ids
