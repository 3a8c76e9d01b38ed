#include <sqlite3.h>

#include "journal/journal.hpp"
#include "journal/statement.hpp"

namespace deadlined::journal {

using detail::bind_text;
using detail::Statement;

void Journal::disable_channel(const DisabledChannel& entry) {
  Statement s(
      prepare("INSERT OR REPLACE INTO disabled_channels (channel, fingerprint, since, reason)"
              " VALUES (?1, ?2, ?3, ?4)"));
  bind_text(s.get(), 1, entry.channel);
  bind_text(s.get(), 2, entry.fingerprint);
  sqlite3_bind_int64(s.get(), 3, detail::seconds(entry.since));
  bind_text(s.get(), 4, entry.reason);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("disable a channel");
}

void Journal::enable_channel(const std::string& channel) {
  Statement s(prepare("DELETE FROM disabled_channels WHERE channel = ?1"));
  bind_text(s.get(), 1, channel);
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("enable a channel");
}

std::vector<DisabledChannel> Journal::disabled_channels() {
  Statement s(prepare(
      "SELECT channel, fingerprint, since, reason FROM disabled_channels ORDER BY channel"));
  std::vector<DisabledChannel> out;
  int rc = 0;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    DisabledChannel entry;
    entry.channel = detail::text_column(s.get(), 0);
    entry.fingerprint = detail::text_column(s.get(), 1);
    entry.since = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 2)}};
    entry.reason = detail::text_column(s.get(), 3);
    out.push_back(std::move(entry));
  }
  if (rc != SQLITE_DONE) fail("read the disabled channels");
  return out;
}

std::optional<ProviderTokens> Journal::provider_tokens(const std::string& channel) {
  Statement s(
      prepare("SELECT seed, refresh_token, access_token, expires_at, updated_at"
              " FROM provider_tokens WHERE channel = ?1"));
  bind_text(s.get(), 1, channel);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail("read a provider's tokens");
  ProviderTokens t;
  t.seed = detail::text_column(s.get(), 0);
  t.refresh_token = detail::text_column(s.get(), 1);
  t.access_token = detail::text_column(s.get(), 2);
  t.expires_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 3)}};
  t.updated_at = SysSeconds{std::chrono::seconds{sqlite3_column_int64(s.get(), 4)}};
  return t;
}

void Journal::store_provider_tokens(const std::string& channel, const ProviderTokens& tokens) {
  Statement s(
      prepare("INSERT OR REPLACE INTO provider_tokens"
              " (channel, seed, refresh_token, access_token, expires_at, updated_at)"
              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  bind_text(s.get(), 1, channel);
  bind_text(s.get(), 2, tokens.seed);
  bind_text(s.get(), 3, tokens.refresh_token);
  bind_text(s.get(), 4, tokens.access_token);
  sqlite3_bind_int64(s.get(), 5, detail::seconds(tokens.expires_at));
  sqlite3_bind_int64(s.get(), 6, detail::seconds(tokens.updated_at));
  if (sqlite3_step(s.get()) != SQLITE_DONE) fail("store a provider's tokens");
}

}  // namespace deadlined::journal
