#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "journal/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace deadlined::journal {

/// The Store in SQLite (WAL, synchronous=FULL), the embedded default: nothing to set up, for
/// one machine. Not thread-safe: use from one thread.
class Journal final : public Store {
 public:
  /// Opens or creates `path` (its folder is created with mode 0700, the file 0600). Throws
  /// std::runtime_error with the path and SQLite's message when it cannot, and when a file
  /// that exists is damaged (SQLite's quick_check) or holds no deliveries table.
  explicit Journal(const std::filesystem::path& path, JournalOptions options = {});
  ~Journal() override;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  std::optional<State> state_of(const std::string& key) override;

  /// Records an attempt about to be made to `address` (the recipients or the url, as one
  /// line): inserts the row or counts one more attempt, and opens its row of the attempts
  /// table, which the outcome's mark_delivered or mark_failed closes. Returns false,
  /// changing nothing, when the delivery is already delivered or failed.
  bool mark_attempt(const DeliveryRecord& record, SysSeconds now,
                    std::string_view address = {}) override;
  /// Marks one delivery delivered (the batch below, with one key).
  void mark_delivered(const std::string& key, SysSeconds now) override;
  /// Marks every delivery of `keys` delivered, a statement per k_keys_per_update of them
  /// (a burst's outcomes: a statement per row measured twice the CPU).
  void mark_delivered(const std::vector<std::string>& keys, SysSeconds now) override;
  static constexpr std::size_t k_keys_per_update = 64;
  /// A failed attempt; `final` marks the delivery failed for good, else it stays pending.
  /// Closes the open attempt, if any, as failed or retry (a delivery given up with no attempt
  /// in flight, a superseded retry, records no attempt).
  void mark_failed(const std::string& key, SysSeconds now, const std::string& reason,
                   bool final) override;

  int attempts(const std::string& key) override;
  /// How many deliveries are in `state` (a full scan: nothing indexes the state).
  std::size_t count(State state) override;

  /// The attempts that `filter` matches, by start time (attempts.cpp).
  std::vector<Attempt> attempts(const AttemptFilter& filter) override;

  using Row = DeliveryRow;
  /// The `limit` deliveries attempted most recently, newest first.
  std::vector<DeliveryRow> recent(std::size_t limit) override;

  /// Appends to the audit trail of confirmations (never updated or deleted).
  void record(const Confirmation& confirmation) override;
  /// The latest confirmation entry of `target`, if any.
  std::optional<Confirmation> latest(const Target& target) override;
  /// Whether `target` is confirmed now (its latest entry confirms).
  bool is_confirmed(const Target& target) override;
  /// The whole trail of `target`, oldest first.
  std::vector<Confirmation> history(const Target& target) override;
  /// The latest entry of every target that has one, in one query (the desk at 100,000
  /// tasks: a query per unit cost a second).
  std::vector<Confirmation> latest_confirmations() override;

  /// Appends to the audit trail of extensions (extensions.cpp); returns the entry's id.
  std::int64_t record_extension(const ExtensionEntry& entry) override;
  /// The extension trail of `target`, oldest first.
  std::vector<ExtensionEntry> extension_history(const Target& target) override;
  /// The whole extension trail, oldest first (a few entries per extension: read whole).
  std::vector<ExtensionEntry> extension_entries() override;
  /// The id of the latest extension entry, 0 when there is none: it changes when any
  /// process (the desk, `deadlined extend`) records one.
  std::int64_t extensions_version() override;

  /// Disables `channel` (replacing an earlier entry of it).
  void disable_channel(const DisabledChannel& entry) override;
  /// Enables `channel` again; nothing when it is not disabled.
  void enable_channel(const std::string& channel) override;
  /// The channels disabled, by name.
  std::vector<DisabledChannel> disabled_channels() override;
  /// The latest tokens of `channel` ("webhook:NAME"), if any were stored (channels.cpp).
  std::optional<ProviderTokens> provider_tokens(const std::string& channel) override;
  /// Stores them durably (its own statement, committed at once unless in a transaction).
  void store_provider_tokens(const std::string& channel, const ProviderTokens& tokens) override;

  /// When the journal was created: when this installation began to send. A journal made by
  /// a version that did not record it counts from its first attempt (or its opening, if
  /// it has none). Read at open.
  SysSeconds created_at() const override { return created_at_; }

  const std::filesystem::path& path() const { return path_; }
  Opener reader(std::chrono::milliseconds busy_timeout) const override;

  /// Whether its last operation failed and no transaction has committed since (for
  /// /healthz and the metrics).
  bool failing() const override { return failing_; }

  /// Groups the writes until commit() into one transaction, made durable by one sync: a
  /// burst of deliveries costs one fsync, not two per message. Throws when it cannot start.
  void begin() override;
  /// Commits the writes since begin(); throws when it cannot (they are then lost).
  void commit() override;
  /// Abandons the writes since begin(), if a transaction is still open.
  void rollback() noexcept override;

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

}  // namespace deadlined::journal
