// The audit trail of confirmations: appended, never updated or deleted.
#include <sqlite3.h>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {
namespace {

using detail::bind_text;
using detail::seconds;
using detail::Statement;
using detail::text_column;

/// The columns every read takes, in this order, after the target's when it is read too.
constexpr const char* k_entry_columns = "action, at, actor, origin, note, document, received_at";

/// The entry of the columns of k_entry_columns from `first` on.
Confirmation entry_of(sqlite3_stmt* s, int first, Target target) {
  Confirmation c;
  c.target = std::move(target);
  c.confirmed = text_column(s, first) == "confirm";
  c.at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s, first + 1)}};
  c.actor = text_column(s, first + 2);
  c.origin = text_column(s, first + 3);
  c.note = text_column(s, first + 4);
  c.document = text_column(s, first + 5);
  if (sqlite3_column_type(s, first + 6) != SQLITE_NULL)
    c.received_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s, first + 6)}};
  return c;
}

}  // namespace

void Journal::record(const Confirmation& c) {
  Statement s(
      prepare("INSERT INTO confirmations (plan, task, occurrence, unit, action, at, actor, "
              "origin, note, document, received_at)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  bind_text(s.get(), 1, c.target.plan);
  bind_text(s.get(), 2, c.target.task);
  bind_text(s.get(), 3, c.target.occurrence);
  bind_text(s.get(), 4, c.target.unit);
  bind_text(s.get(), 5, c.confirmed ? "confirm" : "reopen");
  sqlite3_bind_int64(s.get(), 6, seconds(c.at));
  bind_text(s.get(), 7, c.actor);
  bind_text(s.get(), 8, c.origin);
  bind_text(s.get(), 9, c.note);
  bind_text(s.get(), 10, c.document);
  if (c.received_at) sqlite3_bind_int64(s.get(), 11, seconds(*c.received_at));
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record a confirmation");
}

std::vector<Confirmation> Journal::confirmations(const Target& target, bool latest_only) {
  static const std::string k_latest =
      std::string("SELECT ") + k_entry_columns +
      " FROM confirmations WHERE plan = ?1 AND task = ?2 AND occurrence = ?3 AND unit = ?4"
      " ORDER BY id DESC LIMIT 1";
  static const std::string k_all =
      std::string("SELECT ") + k_entry_columns +
      " FROM confirmations WHERE plan = ?1 AND task = ?2 AND occurrence = ?3 AND unit = ?4"
      " ORDER BY id";
  // prepare() keeps statements by the address of their text: these live as long as the
  // program.
  Statement s(prepare(latest_only ? k_latest.c_str() : k_all.c_str()));
  bind_text(s.get(), 1, target.plan);
  bind_text(s.get(), 2, target.task);
  bind_text(s.get(), 3, target.occurrence);
  bind_text(s.get(), 4, target.unit);
  std::vector<Confirmation> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.push_back(entry_of(s.get(), 0, target));
  if (rc != SQLITE_DONE) fail("read confirmations");
  return out;
}

std::vector<Confirmation> Journal::history(const Target& target) {
  return confirmations(target, false);
}

std::optional<Confirmation> Journal::latest(const Target& target) {
  auto newest = confirmations(target, true);
  if (newest.empty()) return std::nullopt;
  return std::move(newest.front());
}

bool Journal::is_confirmed(const Target& target) {
  auto newest = latest(target);
  return newest && newest->confirmed;
}

std::vector<Confirmation> Journal::latest_confirmations() {
  // SQLite takes the other columns of an aggregate query with max() from the row that has
  // the maximum: the latest entry of each target, read along confirmations_by_target.
  static const std::string k_sql = std::string("SELECT plan, task, occurrence, unit, ") +
                                   k_entry_columns +
                                   ", max(id) FROM confirmations"
                                   " GROUP BY plan, task, occurrence, unit";
  Statement s(prepare(k_sql.c_str()));
  std::vector<Confirmation> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back(entry_of(s.get(), 4,
                           {text_column(s.get(), 0), text_column(s.get(), 1),
                            text_column(s.get(), 2), text_column(s.get(), 3)}));
  }
  if (rc != SQLITE_DONE) fail("read confirmations");
  return out;
}

}  // namespace deadlined::journal
