#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {

using detail::Statement;

namespace {

/// Version 5: the attempts table; the document and receipt of a confirmation.
constexpr int k_schema_version = 7;

constexpr const char* k_damaged_advice =
    "deadlined will not start on it. Restore it from a backup, or move it away to start with "
    "an empty journal (every reminder whose stage has come would then be sent again)";

/// The columns of the deliveries table, in the order every version has had them.
constexpr const char* k_delivery_columns =
    "key, reminder_key, channel, plan, task, occurrence, stage, unit, scheduled_at, due_at,"
    " late, state, attempts, first_attempt_at, last_attempt_at, delivered_at, last_error";

/// One row per attempt, in the key's b-tree (WITHOUT ROWID: a write touches one b-tree, no
/// index). `outcome` is NULL while the attempt is in flight, and stays so for one a stop
/// cut short. `deadlined history` scans it: nothing on the send path pays for its order.
constexpr const char* k_create_attempts =
    "CREATE TABLE attempts ("
    " delivery_key TEXT NOT NULL,"
    " attempt INTEGER NOT NULL,"
    " address TEXT,"
    " started_at INTEGER NOT NULL, ended_at INTEGER,"
    " outcome TEXT CHECK (outcome = 'delivered' OR outcome = 'retry' OR outcome = 'failed'),"
    " error TEXT,"
    " PRIMARY KEY (delivery_key, attempt)) WITHOUT ROWID";

/// The deliveries table as of version 3: the rows live in the key's b-tree (WITHOUT ROWID),
/// the only b-tree a write touches, and the state is checked by comparisons (an IN list of
/// three made SQLite build a temporary index on every write).
std::string create_deliveries(const char* name) {
  return std::string("CREATE TABLE ") + name +
         " ("
         " key TEXT PRIMARY KEY,"
         " reminder_key TEXT NOT NULL,"
         " channel TEXT NOT NULL,"
         " plan TEXT NOT NULL, task TEXT NOT NULL, occurrence TEXT NOT NULL,"
         " stage TEXT NOT NULL, unit TEXT NOT NULL,"
         " scheduled_at INTEGER NOT NULL, due_at INTEGER NOT NULL,"
         " late INTEGER NOT NULL DEFAULT 0,"
         " state TEXT NOT NULL"
         "  CHECK (state = 'pending' OR state = 'delivered' OR state = 'failed'),"
         " attempts INTEGER NOT NULL DEFAULT 0,"
         " first_attempt_at INTEGER, last_attempt_at INTEGER, delivered_at INTEGER,"
         " last_error TEXT) WITHOUT ROWID";
}

}  // namespace

void Journal::create_schema() {
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  {
    // Every page is read once (some 100 ms for 100,000 deliveries): a damaged journal is
    // refused at start, not found out by a send that reads a damaged row as "not sent".
    Statement s(prepare("PRAGMA quick_check"));
    if (step(s.get(), "check") != SQLITE_ROW) fail("check");
    std::string_view verdict = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    if (verdict != "ok") {
      throw std::runtime_error("journal " + path_.string() + " is damaged (" +
                               std::string(verdict) + "); " + k_damaged_advice);
    }
  }
  // One transaction, so that two processes opening a journal at once (the daemon and
  // `deadlined ack`) do not both migrate it.
  begin();
  try {
    int version = 0;
    bool has_deliveries = false;
    {
      Statement s(prepare("PRAGMA user_version"));
      if (step(s.get(), "read the schema version") == SQLITE_ROW)
        version = sqlite3_column_int(s.get(), 0);
    }
    {
      Statement s(prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
      sqlite3_bind_text(s.get(), 1, "deliveries", -1, SQLITE_STATIC);
      has_deliveries = step(s.get(), "read the schema") == SQLITE_ROW;
    }
    if (existed_ && !has_deliveries) {
      throw std::runtime_error("journal " + path_.string() +
                               " has no deliveries table: it is damaged or not a journal of "
                               "deadlined; " +
                               k_damaged_advice);
    }
    if (version > k_schema_version) {
      // Writing to it could lose what a newer deadlined keeps.
      throw std::runtime_error("journal " + path_.string() + ": schema version " +
                               std::to_string(version) + " is newer than this deadlined's (" +
                               std::to_string(k_schema_version) + ")");
    }
    if (!has_deliveries) {
      exec(create_deliveries("deliveries").c_str());
    } else if (version < 3) {
      // Versions 1 and 2 kept rows by rowid: copy them into the version 3 table.
      exec(create_deliveries("deliveries_v3").c_str());
      exec((std::string("INSERT INTO deliveries_v3 (") + k_delivery_columns + ") SELECT " +
            k_delivery_columns + " FROM deliveries")
               .c_str());
      exec("DROP TABLE deliveries");
      exec("ALTER TABLE deliveries_v3 RENAME TO deliveries");
    }
    // Up to version 2 an index by state was kept up to date on every write, and no query
    // of the daemon used it.
    exec("DROP INDEX IF EXISTS deliveries_by_state");
    // Version 2: the audit trail of confirmations.
    exec(
        "CREATE TABLE IF NOT EXISTS confirmations ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " plan TEXT NOT NULL, task TEXT NOT NULL, occurrence TEXT NOT NULL, unit TEXT NOT NULL,"
        " action TEXT NOT NULL CHECK (action IN ('confirm','reopen')),"
        " at INTEGER NOT NULL, actor TEXT NOT NULL, origin TEXT NOT NULL,"
        " note TEXT NOT NULL DEFAULT '')");
    exec(
        "CREATE INDEX IF NOT EXISTS confirmations_by_target"
        " ON confirmations(plan, task, occurrence, unit, id)");
    // Version 4: when the journal was created, and webhooks whose receiver answered 410
    // Gone, until their configuration changes.
    exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    {
      auto now = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      Statement s(
          prepare("INSERT OR IGNORE INTO meta (key, value) SELECT 'created_at',"
                  " coalesce((SELECT min(first_attempt_at) FROM deliveries), ?1)"));
      sqlite3_bind_int64(s.get(), 1, now);
      if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record the creation time");
    }
    {
      Statement s(prepare("SELECT value FROM meta WHERE key = 'created_at'"));
      if (step(s.get(), "read the creation time") != SQLITE_ROW) fail("read the creation time");
      created_at_ = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 0)}};
    }
    exec(
        "CREATE TABLE IF NOT EXISTS disabled_channels ("
        " channel TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
        " since INTEGER NOT NULL, reason TEXT NOT NULL)");
    // Version 5: one row per attempt, the evidence `deadlined history` lists. The unit,
    // stage and channel are the delivery row's; the address is the attempt's own (a
    // reload may change a unit's address between two attempts of one delivery).
    bool has_attempts = false;
    {
      Statement s(prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
      sqlite3_bind_text(s.get(), 1, "attempts", -1, SQLITE_STATIC);
      has_attempts = step(s.get(), "read the schema") == SQLITE_ROW;
    }
    if (!has_attempts) {
      exec(k_create_attempts);
      // An older journal kept of each delivery only its last attempt: that attempt is
      // synthesized, with what is known of it (its time, its outcome, its error) and no
      // address (NULL: not recorded, shown as such), so the history does not claim what
      // the journal never held. The earlier attempts of a delivery are not recoverable.
      // A failure overwrote last_attempt_at with its own time, so a failed or retried
      // attempt starts and ends then; a pending row with no error was cut short.
      exec(
          "INSERT INTO attempts (delivery_key, attempt, address, started_at, ended_at,"
          " outcome, error)"
          " SELECT key, attempts, NULL, last_attempt_at,"
          "  CASE WHEN state = 'delivered' THEN coalesce(delivered_at, last_attempt_at)"
          "   WHEN state = 'failed' OR last_error IS NOT NULL THEN last_attempt_at END,"
          "  CASE WHEN state = 'delivered' THEN 'delivered' WHEN state = 'failed' THEN 'failed'"
          "   WHEN last_error IS NOT NULL THEN 'retry' END,"
          "  CASE WHEN state = 'delivered' THEN NULL ELSE last_error END"
          " FROM deliveries WHERE attempts > 0 AND last_attempt_at IS NOT NULL");
    }
    // Version 5 too: what the Office records on a unit's behalf (the number of the document
    // received, and when it was received).
    add_column("confirmations", "document", "TEXT NOT NULL DEFAULT ''");
    add_column("confirmations", "received_at", "INTEGER");
    // Version 6: the audit trail of extensions (gia hạn): a unit's request, the Office's
    // approval (with the date granted, which may differ from the one asked) or refusal.
    exec(
        "CREATE TABLE IF NOT EXISTS extensions ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " plan TEXT NOT NULL, task TEXT NOT NULL, occurrence TEXT NOT NULL, unit TEXT NOT NULL,"
        " action TEXT NOT NULL CHECK (action IN ('request','approve','refuse')),"
        " until TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',"
        " at INTEGER NOT NULL, actor TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '')");
    exec(
        "CREATE INDEX IF NOT EXISTS extensions_by_target"
        " ON extensions(plan, task, occurrence, unit, id)");
    // Version 7: the tokens of providers that rotate them (Zalo's single-use refresh
    // tokens): the latest, stored before it is used. `seed` is a digest of the token in the
    // configuration the row descends from: a new one there starts again from it.
    exec(
        "CREATE TABLE IF NOT EXISTS provider_tokens ("
        " channel TEXT PRIMARY KEY, seed TEXT NOT NULL, refresh_token TEXT NOT NULL,"
        " access_token TEXT NOT NULL DEFAULT '', expires_at INTEGER NOT NULL DEFAULT 0,"
        " updated_at INTEGER NOT NULL)");
    exec(("PRAGMA user_version=" + std::to_string(k_schema_version)).c_str());
    commit();
  } catch (...) {
    rollback();
    throw;
  }
}

}  // namespace deadlined::journal
