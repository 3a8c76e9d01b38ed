#include <sqlite3.h>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {

std::vector<Confirmation> Journal::latest_confirmations() {
  // SQLite takes the other columns of an aggregate query with max() from the row that has
  // the maximum: the latest entry of each target, read along confirmations_by_target.
  detail::Statement s(
      prepare("SELECT plan, task, occurrence, unit, action, at, actor, origin, note, max(id)"
              " FROM confirmations GROUP BY plan, task, occurrence, unit"));
  std::vector<Confirmation> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    Confirmation c;
    c.target = {detail::text_column(s.get(), 0), detail::text_column(s.get(), 1),
                detail::text_column(s.get(), 2), detail::text_column(s.get(), 3)};
    c.confirmed = detail::text_column(s.get(), 4) == "confirm";
    c.at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 5)}};
    c.actor = detail::text_column(s.get(), 6);
    c.origin = detail::text_column(s.get(), 7);
    c.note = detail::text_column(s.get(), 8);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) fail("read confirmations");
  return out;
}

}  // namespace deadlined::journal
