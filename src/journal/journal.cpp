#include "journal/journal.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <stdexcept>
#include <string_view>

#include "journal/statement.hpp"

namespace deadlined::journal {
namespace {

using detail::bind_text;
using detail::seconds;
using detail::Statement;

}  // namespace

std::string_view to_string(State state) {
  switch (state) {
    case State::pending:
      return "pending";
    case State::delivered:
      return "delivered";
    case State::failed:
      return "failed";
  }
  return "pending";
}

Journal::Journal(const std::filesystem::path& path, JournalOptions options) : path_(path) {
  std::error_code ec;
  if (options.read_only) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "journal " + path.string() + ": cannot open to read: " +
                            (db_ ? sqlite3_errmsg(db_) : "out of memory");
      sqlite3_close(db_);
      throw std::runtime_error(message);
    }
    sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
    return;
  }
  // A journal that exists must hold its tables: one that lost them is damaged, not new.
  existed_ = std::filesystem::exists(path, ec);
  auto dir = path.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  mode_t old_mask = ::umask(077);
  // One thread uses a Journal (see the class), so SQLite need not lock around each call.
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  ::umask(old_mask);
  try {
    if (rc != SQLITE_OK) fail("cannot open");
    sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
    create_schema();
  } catch (...) {
    // The destructor does not run for a throwing constructor; sqlite3_open_v2 allocates a
    // handle even when it fails, and create_schema may have kept statements.
    for (auto& [sql, statement] : statements_)
      sqlite3_finalize(statement);
    sqlite3_close(db_);
    throw;
  }
}

Store::Opener Journal::reader(std::chrono::milliseconds busy_timeout) const {
  return [path = path_, busy_timeout]() -> std::unique_ptr<Store> {
    return std::make_unique<Journal>(path, JournalOptions{busy_timeout, true});
  };
}

Journal::~Journal() {
  for (auto& [sql, statement] : statements_)
    sqlite3_finalize(statement);
  sqlite3_close(db_);
}

void Journal::begin() {
  exec("BEGIN IMMEDIATE");
}

void Journal::commit() {
  exec("COMMIT");
  failing_ = false;
}

int Journal::step(sqlite3_stmt* statement, const char* what) {
  int rc = sqlite3_step(statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(what);
  return rc;
}

void Journal::rollback() noexcept {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Journal::fail(const std::string& what) {
  failing_ = true;
  std::string message = "journal " + path_.string() + ": " + what + ": " +
                        (db_ ? sqlite3_errmsg(db_) : "out of memory");
  throw std::runtime_error(message);
}

void Journal::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("journal " + path_.string() + ": " + message);
  }
}

void Journal::add_column(const char* table, const char* column, const char* definition) {
  {
    Statement s(prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2"));
    bind_text(s.get(), 1, table);
    bind_text(s.get(), 2, column);
    if (step(s.get(), "read the schema") == SQLITE_ROW) return;
  }
  exec((std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + definition).c_str());
}

sqlite3_stmt* Journal::prepare(const char* sql) {
  // Every caller passes a string literal: its address identifies the statement.
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK)
    fail("prepare");
  statements_.emplace(sql, statement);
  return statement;
}

std::optional<State> Journal::state_of(const std::string& key) {
  Statement s(prepare("SELECT state FROM deliveries WHERE key = ?"));
  bind_text(s.get(), 1, key);
  // An error is an error: never "not sent", which would send it again.
  if (step(s.get(), "read a delivery") != SQLITE_ROW) return std::nullopt;
  std::string_view state = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
  if (state == "delivered") return State::delivered;
  if (state == "failed") return State::failed;
  return State::pending;
}

bool Journal::mark_attempt(const DeliveryRecord& r, SysSeconds now, std::string_view address) {
  // One statement checks and records: the upsert leaves a finished row alone, and then
  // changes no row. (Not RETURNING: it builds a temporary table per call, which measured a
  // fifth of the event loop's time in a burst.)
  Statement s(prepare(
      "INSERT INTO deliveries (key, reminder_key, channel, plan, task, occurrence, stage, unit,"
      " scheduled_at, due_at, late, state, attempts, first_attempt_at, last_attempt_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', 1, ?12, ?12)"
      " ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1, last_attempt_at = ?12,"
      " late = late OR ?11 WHERE state = 'pending'"));
  bind_text(s.get(), 1, r.key);
  bind_text(s.get(), 2, r.reminder_key);
  bind_text(s.get(), 3, r.channel);
  bind_text(s.get(), 4, r.plan);
  bind_text(s.get(), 5, r.task);
  bind_text(s.get(), 6, r.occurrence);
  bind_text(s.get(), 7, r.stage);
  bind_text(s.get(), 8, r.unit);
  sqlite3_bind_int64(s.get(), 9, seconds(r.scheduled_at));
  sqlite3_bind_int64(s.get(), 10, seconds(r.due_at));
  sqlite3_bind_int(s.get(), 11, r.late ? 1 : 0);
  sqlite3_bind_int64(s.get(), 12, seconds(now));
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record attempt");
  if (sqlite3_changes(db_) == 0) return false;
  open_attempt(r.key, address, now);
  return true;
}

void Journal::mark_delivered(const std::string& key, SysSeconds now) {
  mark_delivered(std::vector<std::string>{key}, now);
}

namespace {
/// "UPDATE … WHERE key IN (?2, …)" with Journal::k_keys_per_update keys.
std::string mark_delivered_in_sql() {
  std::string sql =
      "UPDATE deliveries SET state = 'delivered', delivered_at = ?1, last_error = NULL"
      " WHERE key IN (";
  for (std::size_t i = 0; i < Journal::k_keys_per_update; ++i)
    sql += (i ? ", ?" : "?") + std::to_string(i + 2);
  return sql + ")";
}
}  // namespace

void Journal::mark_delivered(const std::vector<std::string>& keys, SysSeconds now) {
  // The statement cache is keyed by the text's address: this one lives as long as the process.
  static const std::string sql = mark_delivered_in_sql();
  for (std::size_t from = 0; from < keys.size(); from += k_keys_per_update) {
    // A short last group leaves the remaining keys NULL (bindings are cleared after each
    // use), and "key IN (…, NULL)" matches no row for them.
    Statement s(prepare(sql.c_str()));
    sqlite3_bind_int64(s.get(), 1, seconds(now));
    std::size_t to = std::min(keys.size(), from + k_keys_per_update);
    for (std::size_t i = from; i < to; ++i)
      bind_text(s.get(), static_cast<int>(i - from + 2), keys[i]);
    if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record deliveries");
    close_delivered(keys, from, to, now);
  }
}

void Journal::mark_failed(const std::string& key, SysSeconds now, const std::string& reason,
                          bool final) {
  close_attempt(key, now, reason, final);
  Statement s(
      prepare("UPDATE deliveries SET state = CASE WHEN ?4 THEN 'failed' ELSE state END,"
              " last_attempt_at = ?2, last_error = ?3 WHERE key = ?1"));
  bind_text(s.get(), 1, key);
  sqlite3_bind_int64(s.get(), 2, seconds(now));
  bind_text(s.get(), 3, reason);
  sqlite3_bind_int(s.get(), 4, final ? 1 : 0);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record failure");
}

int Journal::attempts(const std::string& key) {
  Statement s(prepare("SELECT attempts FROM deliveries WHERE key = ?"));
  bind_text(s.get(), 1, key);
  return step(s.get(), "read attempts") == SQLITE_ROW ? sqlite3_column_int(s.get(), 0) : 0;
}

std::size_t Journal::count(State state) {
  Statement s(prepare("SELECT count(*) FROM deliveries WHERE state = ?"));
  bind_text(s.get(), 1, to_string(state));
  return step(s.get(), "count deliveries") == SQLITE_ROW
             ? static_cast<std::size_t>(sqlite3_column_int64(s.get(), 0))
             : 0;
}

std::vector<Journal::Row> Journal::recent(std::size_t limit) {
  Statement s(
      prepare("SELECT reminder_key, channel, unit, state, attempts, last_attempt_at, last_error"
              " FROM deliveries ORDER BY last_attempt_at DESC, key LIMIT ?1"));
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(limit));
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(s.get(), column);
    return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
  };
  std::vector<Row> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    Row row;
    row.reminder_key = text(0);
    row.channel = text(1);
    row.unit = text(2);
    std::string state = text(3);
    row.state = state == "delivered" ? State::delivered
                : state == "failed"  ? State::failed
                                     : State::pending;
    row.attempts = sqlite3_column_int(s.get(), 4);
    row.last_attempt_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 5)}};
    row.last_error = text(6);
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) fail("read recent deliveries");
  return out;
}

}  // namespace deadlined::journal
