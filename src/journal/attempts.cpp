#include <sqlite3.h>

#include <string>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {

using detail::bind_text;
using detail::seconds;
using detail::Statement;
using detail::text_column;

void Journal::open_attempt(const std::string& key, std::string_view address, SysSeconds now) {
  // The attempt's number is the delivery's count, which mark_attempt has just raised; a row
  // already there (a journal restored over a newer one) is replaced, not doubled.
  Statement s(
      prepare("INSERT OR REPLACE INTO attempts (delivery_key, attempt, address, started_at)"
              " SELECT key, attempts, ?2, ?3 FROM deliveries WHERE key = ?1"));
  bind_text(s.get(), 1, key);
  bind_text(s.get(), 2, address);
  sqlite3_bind_int64(s.get(), 3, seconds(now));
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record an attempt");
}

namespace {
/// "UPDATE attempts … WHERE delivery_key IN (?2, …)" with Journal::k_keys_per_update keys:
/// the delivery's latest attempt, if still open (one a stop cut short stays as it was).
std::string close_delivered_sql() {
  std::string sql =
      "UPDATE attempts SET outcome = 'delivered', ended_at = ?1 WHERE outcome IS NULL"
      " AND attempt = (SELECT attempts FROM deliveries WHERE key = delivery_key)"
      " AND delivery_key IN (";
  for (std::size_t i = 0; i < Journal::k_keys_per_update; ++i)
    sql += (i ? ", ?" : "?") + std::to_string(i + 2);
  return sql + ")";
}
}  // namespace

void Journal::close_delivered(const std::vector<std::string>& keys, std::size_t from,
                              std::size_t to, SysSeconds now) {
  static const std::string sql = close_delivered_sql();
  Statement s(prepare(sql.c_str()));
  sqlite3_bind_int64(s.get(), 1, seconds(now));
  for (std::size_t i = from; i < to; ++i)
    bind_text(s.get(), static_cast<int>(i - from + 2), keys[i]);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record delivered attempts");
}

void Journal::close_attempt(const std::string& key, SysSeconds now, const std::string& error,
                            bool final) {
  Statement s(
      prepare("UPDATE attempts SET outcome = CASE WHEN ?4 THEN 'failed' ELSE 'retry' END,"
              " ended_at = ?2, error = ?3 WHERE delivery_key = ?1 AND outcome IS NULL"
              " AND attempt = (SELECT attempts FROM deliveries WHERE key = ?1)"));
  bind_text(s.get(), 1, key);
  sqlite3_bind_int64(s.get(), 2, seconds(now));
  bind_text(s.get(), 3, error);
  sqlite3_bind_int(s.get(), 4, final ? 1 : 0);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("record a failed attempt");
}

std::vector<Attempt> Journal::attempts(const AttemptFilter& f) {
  Statement s(prepare(
      "SELECT a.delivery_key, a.attempt, d.reminder_key, d.channel, d.plan, d.task,"
      " d.occurrence, d.stage, d.unit, a.address, a.started_at, a.ended_at, a.outcome, a.error"
      " FROM attempts a JOIN deliveries d ON d.key = a.delivery_key"
      " WHERE (?1 = '' OR d.plan = ?1) AND (?2 = '' OR d.task = ?2)"
      " AND (?3 = '' OR d.unit = ?3) AND (?4 IS NULL OR a.started_at >= ?4)"
      " AND (?5 IS NULL OR a.started_at < ?5)"
      " ORDER BY a.started_at, a.delivery_key, a.attempt"));
  bind_text(s.get(), 1, f.plan);
  bind_text(s.get(), 2, f.task);
  bind_text(s.get(), 3, f.unit);
  if (f.from) sqlite3_bind_int64(s.get(), 4, seconds(*f.from));
  if (f.to) sqlite3_bind_int64(s.get(), 5, seconds(*f.to));
  std::vector<Attempt> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    Attempt a;
    a.delivery_key = text_column(s.get(), 0);
    a.number = sqlite3_column_int(s.get(), 1);
    a.reminder_key = text_column(s.get(), 2);
    a.channel = text_column(s.get(), 3);
    a.plan = text_column(s.get(), 4);
    a.task = text_column(s.get(), 5);
    a.occurrence = text_column(s.get(), 6);
    a.stage = text_column(s.get(), 7);
    a.unit = text_column(s.get(), 8);
    if (sqlite3_column_type(s.get(), 9) != SQLITE_NULL) a.address = text_column(s.get(), 9);
    a.started_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 10)}};
    if (sqlite3_column_type(s.get(), 11) != SQLITE_NULL)
      a.ended_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 11)}};
    if (sqlite3_column_type(s.get(), 12) != SQLITE_NULL) a.outcome = text_column(s.get(), 12);
    a.error = text_column(s.get(), 13);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) fail("read the attempts");
  return out;
}

}  // namespace deadlined::journal
