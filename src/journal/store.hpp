#pragma once

// The journal's interface: what the scheduler, the HTTP service and the CLI record and read,
// whatever keeps it (journal.hpp: SQLite, the embedded default).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "ids/ids.hpp"

namespace deadlined::journal {

using SysSeconds = date::sys_seconds;

/// What the journal knows of one delivery (one reminder through one channel).
enum class State { pending, delivered, failed };

/// Identifies one delivery and what it was for; written before the first attempt.
struct DeliveryRecord {
  std::string key;           ///< ids::DeliveryKey's text; the primary key
  std::string reminder_key;  ///< plan.task.occurrence.stage.unit
  std::string channel;
  std::string plan, task, occurrence, stage, unit;
  SysSeconds scheduled_at{};
  SysSeconds due_at{};
  bool late = false;
};

/// Identifies one unit's part in one occurrence of one task.
using Target = ids::AssignmentId;

/// One entry of the confirmation audit trail: a unit's task confirmed done, or reopened.
struct Confirmation {
  Target target;
  bool confirmed = true;  ///< false: reopened
  SysSeconds at{};
  std::string actor;   ///< "link", "cli:LOGIN", or "office:ACCOUNT" (the desk)
  std::string origin;  ///< the client address for a link, "cli" otherwise
  std::string note;    ///< e.g. the number of the report sent
  /// The Office's entry on a unit's behalf: the number of the document received ("45/BC-PKHTC")
  /// and when it was received, which is when the task was done; empty otherwise.
  /// (Default member initializers: entries written without them stay warning-free.)
  std::string document{};
  std::optional<SysSeconds> received_at{};

  /// When the task was done, for an entry that confirms: the receipt, else the entry itself.
  SysSeconds done_at() const { return received_at.value_or(at); }
};

/// One entry of the audit trail of extensions (gia hạn) of a unit's part: its request (a new
/// date and the reason), or the Office's decision on it: approved (with the date granted,
/// which may differ from the one asked) or refused.
struct ExtensionEntry {
  enum class Action { request, approve, refuse };
  std::int64_t id = 0;  ///< its place in the trail: a later entry has a greater id
  Target target{};
  Action action = Action::request;
  std::string until{};  ///< the day asked or granted, YYYY-MM-DD; empty for a refusal
  std::string note{};   ///< the unit's reason, or the Office's note on its decision
  SysSeconds at{};
  std::string actor{};   ///< "link" (the unit), "office:ACCOUNT" or "cli:LOGIN"
  std::string origin{};  ///< the client address for a link, "cli" or "desk" otherwise
};

/// A channel the daemon sends nothing to: its receiver answered 410 Gone.
struct DisabledChannel {
  std::string channel;      ///< ids::ChannelId text, "webhook:NAME"
  std::string fingerprint;  ///< of the channel's configuration when it was disabled
  SysSeconds since{};
  std::string reason;  ///< the outcome that disabled it
};

/// The tokens of a provider that rotates them (zalo-zns): never logged, never shown.
struct ProviderTokens {
  std::string seed;  ///< digest of the configured refresh token this row descends from
  std::string refresh_token;
  std::string access_token;
  SysSeconds expires_at{};  ///< of the access token
  SysSeconds updated_at{};
};

/// One attempt of one delivery, as `deadlined history` lists it.
struct Attempt {
  std::string delivery_key;
  int number = 0;  ///< 1 for the first attempt of the delivery
  std::string reminder_key, channel, plan, task, occurrence, stage, unit;
  std::optional<std::string> address;  ///< none: not recorded (a journal older than version 5)
  SysSeconds started_at{};
  std::optional<SysSeconds> ended_at;
  /// "delivered", "retry" (it failed and is tried again) or "failed" (for good); none while
  /// the attempt is in flight or when a stop cut it short.
  std::optional<std::string> outcome;
  std::string error;
};

/// Which attempts `Journal::attempts` returns; an empty field matches every value.
struct AttemptFilter {
  std::string plan, task, unit;
  std::optional<SysSeconds> from;  ///< attempts started at or after
  std::optional<SysSeconds> to;    ///< attempts started before
};

/// How a Journal is opened.
struct JournalOptions {
  /// How long an operation waits for a lock another process holds (`deadlined ack`, a
  /// backup) before it fails: short on the event loop, which retries later rather than
  /// stall every timer and request behind it.
  std::chrono::milliseconds busy_timeout{5000};
  /// Reads only, on a connection of its own (a worker thread building a calendar feed): no
  /// file is created, and the schema is neither checked nor migrated.
  bool read_only = false;
};

/// A delivery as the status page shows it.
struct DeliveryRow {
  std::string reminder_key, channel, unit;
  State state = State::pending;
  int attempts = 0;
  SysSeconds last_attempt_at{};
  std::string last_error;
};

/// Durable record of deliveries, attempts, confirmations, extensions, disabled channels and
/// provider tokens: a delivery is marked pending before each attempt and delivered or failed
/// after it, so that a restart neither loses nor silently repeats a reminder. One object is
/// used from one thread; open_reader gives another thread one of its own.
class Store {
 public:
  virtual ~Store() = default;

  virtual std::optional<State> state_of(const std::string& key) = 0;

  /// Records an attempt about to be made to `address` (the recipients or the url, as one
  /// line): inserts the row or counts one more attempt, and opens its row of the attempts
  /// table, which the outcome's mark_delivered or mark_failed closes. Returns false,
  /// changing nothing, when the delivery is already delivered or failed.
  virtual bool mark_attempt(const DeliveryRecord& record, SysSeconds now,
                            std::string_view address = {}) = 0;
  /// Marks one delivery delivered.
  virtual void mark_delivered(const std::string& key, SysSeconds now) = 0;
  /// Marks every delivery of `keys` delivered (a burst's outcomes, in few statements).
  virtual void mark_delivered(const std::vector<std::string>& keys, SysSeconds now) = 0;
  /// A failed attempt; `final` marks the delivery failed for good, else it stays pending.
  /// Closes the open attempt, if any, as failed or retry (a delivery given up with no attempt
  /// in flight, a superseded retry, records no attempt).
  virtual void mark_failed(const std::string& key, SysSeconds now, const std::string& reason,
                           bool final) = 0;

  virtual int attempts(const std::string& key) = 0;
  /// How many deliveries are in `state`.
  virtual std::size_t count(State state) = 0;
  /// The attempts that `filter` matches, by start time.
  virtual std::vector<Attempt> attempts(const AttemptFilter& filter) = 0;
  /// The `limit` deliveries attempted most recently, newest first.
  virtual std::vector<DeliveryRow> recent(std::size_t limit) = 0;

  /// Appends to the audit trail of confirmations (never updated or deleted).
  virtual void record(const Confirmation& confirmation) = 0;
  /// The latest confirmation entry of `target`, if any.
  virtual std::optional<Confirmation> latest(const Target& target) = 0;
  /// Whether `target` is confirmed now (its latest entry confirms).
  virtual bool is_confirmed(const Target& target) = 0;
  /// The whole trail of `target`, oldest first.
  virtual std::vector<Confirmation> history(const Target& target) = 0;
  /// The latest entry of every target that has one, in one query.
  virtual std::vector<Confirmation> latest_confirmations() = 0;

  /// Appends to the audit trail of extensions; returns the entry's id.
  virtual std::int64_t record_extension(const ExtensionEntry& entry) = 0;
  /// The extension trail of `target`, oldest first.
  virtual std::vector<ExtensionEntry> extension_history(const Target& target) = 0;
  /// The whole extension trail, oldest first.
  virtual std::vector<ExtensionEntry> extension_entries() = 0;
  /// The id of the latest extension entry, 0 when there is none: it changes when any
  /// process (the desk, `deadlined extend`) records one.
  virtual std::int64_t extensions_version() = 0;

  /// Disables `channel` (replacing an earlier entry of it).
  virtual void disable_channel(const DisabledChannel& entry) = 0;
  /// Enables `channel` again; nothing when it is not disabled.
  virtual void enable_channel(const std::string& channel) = 0;
  /// The channels disabled, by name.
  virtual std::vector<DisabledChannel> disabled_channels() = 0;
  /// The latest tokens of `channel` ("webhook:NAME"), if any were stored.
  virtual std::optional<ProviderTokens> provider_tokens(const std::string& channel) = 0;
  /// Stores them durably (committed at once unless in a transaction).
  virtual void store_provider_tokens(const std::string& channel, const ProviderTokens& tokens) = 0;

  /// When the journal was created: when this installation began to send.
  virtual SysSeconds created_at() const = 0;
  /// Whether its last operation failed and no transaction has committed since (for
  /// /healthz and the metrics).
  virtual bool failing() const = 0;

  /// Groups the writes until commit() into one transaction, made durable at once: a burst
  /// of deliveries costs one sync, not two per message. Throws when it cannot start.
  virtual void begin() = 0;
  /// Commits the writes since begin(); throws when it cannot (they are then lost).
  virtual void commit() = 0;
  /// Abandons the writes since begin(), if a transaction is still open.
  virtual void rollback() noexcept = 0;

  /// How another thread (a worker building a page or a feed) opens this journal for reads
  /// only, waiting up to `busy_timeout` for a writer's lock: a function that owns what it
  /// needs, so that it may outlive this object, and that opens a store of its own each call.
  using Opener = std::function<std::unique_ptr<Store>()>;
  virtual Opener reader(std::chrono::milliseconds busy_timeout) const = 0;
};

std::string_view to_string(State state);

}  // namespace deadlined::journal
