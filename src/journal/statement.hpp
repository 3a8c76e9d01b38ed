#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "journal/journal.hpp"

/// The journal's own helpers for SQLite statements, shared by its translation units.
namespace deadlined::journal::detail {

/// A cached statement in use: reset (and its bindings cleared) when done, for the next call.
struct StatementReset {
  void operator()(sqlite3_stmt* s) const {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementReset>;

inline std::int64_t seconds(SysSeconds t) {
  return t.time_since_epoch().count();
}

/// Binds text without copying it (named bind_text, not bind: a call with a std::string would
/// find std::bind by argument-dependent lookup, a better match, and bind nothing): every Statement
/// is a local of the function that binds it, declared before it binds, so it is reset (and its
/// bindings cleared) before the text it was given (arguments, their members, literals) goes away.
inline void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

/// Column `column` of the current row as text ("" for NULL).
inline std::string text_column(sqlite3_stmt* s, int column) {
  const unsigned char* value = sqlite3_column_text(s, column);
  return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
}

}  // namespace deadlined::journal::detail
