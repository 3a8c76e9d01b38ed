// The audit trail of extensions: appended, never updated or deleted.
#include <sqlite3.h>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {
namespace {

using detail::bind_text;
using detail::seconds;
using detail::Statement;
using detail::text_column;

constexpr const char* k_columns =
    "SELECT id, plan, task, occurrence, unit, action, until, note, at, actor, origin"
    " FROM extensions";

const char* action_text(ExtensionEntry::Action action) {
  switch (action) {
    case ExtensionEntry::Action::request:
      return "request";
    case ExtensionEntry::Action::approve:
      return "approve";
    case ExtensionEntry::Action::refuse:
      return "refuse";
  }
  return "request";
}

ExtensionEntry entry_of(sqlite3_stmt* s) {
  ExtensionEntry e;
  e.id = sqlite3_column_int64(s, 0);
  e.target = {text_column(s, 1), text_column(s, 2), text_column(s, 3), text_column(s, 4)};
  std::string action = text_column(s, 5);
  e.action = action == "approve"  ? ExtensionEntry::Action::approve
             : action == "refuse" ? ExtensionEntry::Action::refuse
                                  : ExtensionEntry::Action::request;
  e.until = text_column(s, 6);
  e.note = text_column(s, 7);
  e.at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s, 8)}};
  e.actor = text_column(s, 9);
  e.origin = text_column(s, 10);
  return e;
}

}  // namespace

bool Journal::has_extensions() {
  Statement s(prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'extensions'"));
  return step(s.get(), "read the schema") == SQLITE_ROW;
}

std::int64_t Journal::record_extension(const ExtensionEntry& e) {
  Statement s(
      prepare("INSERT INTO extensions (plan, task, occurrence, unit, action, until, note, at,"
              " actor, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  bind_text(s.get(), 1, e.target.plan);
  bind_text(s.get(), 2, e.target.task);
  bind_text(s.get(), 3, e.target.occurrence);
  bind_text(s.get(), 4, e.target.unit);
  bind_text(s.get(), 5, action_text(e.action));
  bind_text(s.get(), 6, e.until);
  bind_text(s.get(), 7, e.note);
  sqlite3_bind_int64(s.get(), 8, seconds(e.at));
  bind_text(s.get(), 9, e.actor);
  bind_text(s.get(), 10, e.origin);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record an extension");
  return sqlite3_last_insert_rowid(db_);
}

std::vector<ExtensionEntry> Journal::extension_history(const Target& target) {
  if (!has_extensions()) return {};
  static const std::string k_sql =
      std::string(k_columns) +
      " WHERE plan = ?1 AND task = ?2 AND occurrence = ?3 AND unit = ?4 ORDER BY id";
  Statement s(prepare(k_sql.c_str()));
  bind_text(s.get(), 1, target.plan);
  bind_text(s.get(), 2, target.task);
  bind_text(s.get(), 3, target.occurrence);
  bind_text(s.get(), 4, target.unit);
  std::vector<ExtensionEntry> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.push_back(entry_of(s.get()));
  if (rc != SQLITE_DONE) fail("read extensions");
  return out;
}

std::vector<ExtensionEntry> Journal::extension_entries() {
  // A read-only connection does not migrate: a journal older than version 6 has no trail.
  if (!has_extensions()) return {};
  static const std::string k_sql = std::string(k_columns) + " ORDER BY id";
  Statement s(prepare(k_sql.c_str()));
  std::vector<ExtensionEntry> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.push_back(entry_of(s.get()));
  if (rc != SQLITE_DONE) fail("read extensions");
  return out;
}

std::int64_t Journal::extensions_version() {
  if (!has_extensions()) return 0;
  Statement s(prepare("SELECT coalesce(max(id), 0) FROM extensions"));
  if (step(s.get(), "read extensions") != SQLITE_ROW) fail("read extensions");
  return sqlite3_column_int64(s.get(), 0);
}

}  // namespace deadlined::journal
