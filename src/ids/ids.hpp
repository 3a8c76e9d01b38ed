#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace deadlined::ids {

/// One unit's part in one occurrence of one task: what a confirmation, a status row and a
/// calendar event name. Its parts are config ids, which hold no '.'.
struct AssignmentId {
  std::string plan, task, occurrence, unit;

  /// "plan.task.occurrence.unit".
  std::string to_string() const;
  static std::optional<AssignmentId> parse(std::string_view text);
  friend auto operator<=>(const AssignmentId&, const AssignmentId&) = default;
};

/// One stage of one assignment: a reminder, an overdue notice or an escalation. Its text is
/// the stable idempotency key that receivers see (Message-ID local part, webhook-id) and
/// the journal's `reminder_key`.
struct ReminderKey {
  AssignmentId assignment;
  std::string stage;  ///< the lead ("3wd"), "overdue-N" or "escalate-UNIT"

  /// "plan.task.occurrence.stage.unit".
  std::string to_string() const;
  static std::optional<ReminderKey> parse(std::string_view text);
  friend bool operator==(const ReminderKey&, const ReminderKey&) = default;
};

/// A message to the Office that is not about one assignment: the morning digest, or the
/// report of an address that could not be reached (at most one a day per address).
struct ReportId {
  enum class Kind { digest, delivery_failure };
  Kind kind = Kind::digest;
  std::string day;      ///< YYYYMMDD, in the service zone
  std::string address;  ///< delivery_failure: 16 hex digits of the address's FNV-1a hash

  /// "digest.YYYYMMDD" or "failure.YYYYMMDD.<hash>".
  std::string to_string() const;
  static std::optional<ReportId> parse(std::string_view text);
  /// What the journal's `task` column holds for it: "digest" or "delivery-failure".
  std::string_view kind_name() const;
  friend bool operator==(const ReportId&, const ReportId&) = default;
};

/// A way of delivering: the email transport, or a named webhook.
struct ChannelId {
  std::string webhook;  ///< the [webhooks.NAME]; empty for email

  static ChannelId email() { return {}; }
  static ChannelId of_webhook(std::string name) { return {std::move(name)}; }
  bool is_email() const { return webhook.empty(); }
  /// "email" or "webhook:NAME".
  std::string to_string() const;
  static std::optional<ChannelId> parse(std::string_view text);
  friend bool operator==(const ChannelId&, const ChannelId&) = default;
};

/// One delivery: one message through one channel and, for a channel that sends to each
/// address apart (SMTP), to one address. The journal's primary key.
struct DeliveryKey {
  std::variant<ReminderKey, ReportId> message;
  ChannelId channel;
  std::string address;  ///< empty unless the channel delivers per recipient

  /// The message's id text (a ReminderKey's or ReportId's).
  std::string message_id() const;
  /// "<message>/<channel>" followed by ":<address>" when there is one.
  std::string to_string() const;
  static std::optional<DeliveryKey> parse(std::string_view text);
  bool is_report() const { return std::holds_alternative<ReportId>(message); }
  friend bool operator==(const DeliveryKey&, const DeliveryKey&) = default;
};

/// The Standard Webhooks `webhook-id` of a message, and its payload's `id`: "msg_" and 32 hex
/// digits of the SHA-256 of its id text `message` (a ReminderKey's or ReportId's). Stable
/// across retries and restarts, as the key is, and free of '.', which the signature scheme
/// uses to join id, timestamp and body.
std::string webhook_id(std::string_view message);

/// The Message-ID local part of one email that carries several reminders (a bundle):
/// "bundle." and 32 hex digits of the SHA-256 of their ReminderKey texts `keys`, sorted and
/// joined by '\n'. The same members give the same id whatever their order, so a retry of
/// the same bundle, or its catch-up after a restart, keeps it.
std::string bundle_id(std::vector<std::string> keys);

}  // namespace deadlined::ids
