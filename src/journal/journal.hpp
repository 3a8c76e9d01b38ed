#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "ids/ids.hpp"

struct sqlite3;
struct sqlite3_stmt;

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

/// Durable record of deliveries in SQLite (WAL, synchronous=FULL): a delivery is marked
/// pending before each attempt and delivered or failed after it, so that a restart neither
/// loses nor silently repeats a reminder. Not thread-safe: use from one thread.
class Journal {
 public:
  /// Opens or creates `path` (its folder is created with mode 0700, the file 0600). Throws
  /// std::runtime_error with the path and SQLite's message when it cannot, and when a file
  /// that exists is damaged (SQLite's quick_check) or holds no deliveries table.
  explicit Journal(const std::filesystem::path& path, JournalOptions options = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  std::optional<State> state_of(const std::string& key);

  /// Records an attempt about to be made to `address` (the recipients or the url, as one
  /// line): inserts the row or counts one more attempt, and opens its row of the attempts
  /// table, which the outcome's mark_delivered or mark_failed closes. Returns false,
  /// changing nothing, when the delivery is already delivered or failed.
  bool mark_attempt(const DeliveryRecord& record, SysSeconds now, std::string_view address = {});
  /// Marks one delivery delivered (the batch below, with one key).
  void mark_delivered(const std::string& key, SysSeconds now);
  /// Marks every delivery of `keys` delivered, a statement per k_keys_per_update of them
  /// (a burst's outcomes: a statement per row measured twice the CPU).
  void mark_delivered(const std::vector<std::string>& keys, SysSeconds now);
  static constexpr std::size_t k_keys_per_update = 64;
  /// A failed attempt; `final` marks the delivery failed for good, else it stays pending.
  /// Closes the open attempt, if any, as failed or retry (a delivery given up with no attempt
  /// in flight, a superseded retry, records no attempt).
  void mark_failed(const std::string& key, SysSeconds now, const std::string& reason, bool final);

  int attempts(const std::string& key);
  /// How many deliveries are in `state` (a full scan: nothing indexes the state).
  std::size_t count(State state);

  /// The attempts that `filter` matches, by start time (attempts.cpp).
  std::vector<Attempt> attempts(const AttemptFilter& filter);

  /// A delivery as the status page shows it.
  struct Row {
    std::string reminder_key, channel, unit;
    State state = State::pending;
    int attempts = 0;
    SysSeconds last_attempt_at{};
    std::string last_error;
  };
  /// The `limit` deliveries attempted most recently, newest first.
  std::vector<Row> recent(std::size_t limit);

  /// Appends to the audit trail of confirmations (never updated or deleted).
  void record(const Confirmation& confirmation);
  /// The latest confirmation entry of `target`, if any.
  std::optional<Confirmation> latest(const Target& target);
  /// Whether `target` is confirmed now (its latest entry confirms).
  bool is_confirmed(const Target& target);
  /// The whole trail of `target`, oldest first.
  std::vector<Confirmation> history(const Target& target);
  /// The latest entry of every target that has one, in one query (the desk at 100,000
  /// tasks: a query per unit cost a second).
  std::vector<Confirmation> latest_confirmations();

  /// Appends to the audit trail of extensions (extensions.cpp); returns the entry's id.
  std::int64_t record_extension(const ExtensionEntry& entry);
  /// The extension trail of `target`, oldest first.
  std::vector<ExtensionEntry> extension_history(const Target& target);
  /// The whole extension trail, oldest first (a few entries per extension: read whole).
  std::vector<ExtensionEntry> extension_entries();
  /// The id of the latest extension entry, 0 when there is none: it changes when any
  /// process (the desk, `deadlined extend`) records one.
  std::int64_t extensions_version();

  /// Disables `channel` (replacing an earlier entry of it).
  void disable_channel(const DisabledChannel& entry);
  /// Enables `channel` again; nothing when it is not disabled.
  void enable_channel(const std::string& channel);
  /// The channels disabled, by name.
  std::vector<DisabledChannel> disabled_channels();
  /// The latest tokens of `channel` ("webhook:NAME"), if any were stored (channels.cpp).
  std::optional<ProviderTokens> provider_tokens(const std::string& channel);
  /// Stores them durably (its own statement, committed at once unless in a transaction).
  void store_provider_tokens(const std::string& channel, const ProviderTokens& tokens);

  /// When the journal was created: when this installation began to send. A journal made by
  /// a version that did not record it counts from its first attempt (or its opening, if
  /// it has none). Read at open.
  SysSeconds created_at() const { return created_at_; }

  const std::filesystem::path& path() const { return path_; }

  /// Whether its last operation failed and no transaction has committed since (for
  /// /healthz and the metrics).
  bool failing() const { return failing_; }

  /// Groups the writes until commit() into one transaction, made durable by one sync: a
  /// burst of deliveries costs one fsync, not two per message. Throws when it cannot start.
  void begin();
  /// Commits the writes since begin(); throws when it cannot (they are then lost).
  void commit();
  /// Abandons the writes since begin(), if a transaction is still open.
  void rollback() noexcept;

 private:
  void create_schema();
  /// The attempts table's side of mark_attempt, mark_delivered and mark_failed (attempts.cpp).
  void open_attempt(const std::string& key, std::string_view address, SysSeconds now);
  void close_delivered(const std::vector<std::string>& keys, std::size_t from, std::size_t to,
                       SysSeconds now);
  void close_attempt(const std::string& key, SysSeconds now, const std::string& error, bool final);
  void exec(const char* sql);
  /// Adds `column` to `table` unless it has it (a migration step).
  void add_column(const char* table, const char* column, const char* definition);
  /// The prepared statement of `sql`, a string literal, prepared once and kept.
  sqlite3_stmt* prepare(const char* sql);
  [[noreturn]] void fail(const std::string& what);
  /// sqlite3_step that turns every result but a row or the end into an error.
  int step(sqlite3_stmt* statement, const char* what);
  std::vector<Confirmation> confirmations(const Target& target, bool latest_only);
  /// Whether the extensions table is there (a read-only journal older than version 6 has
  /// none; read as an empty trail).
  bool has_extensions();

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> statements_;
  bool existed_ = false;
  SysSeconds created_at_{};
  bool failing_ = false;
};

std::string_view to_string(State state);

}  // namespace deadlined::journal
