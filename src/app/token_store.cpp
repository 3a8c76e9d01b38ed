#include "app/token_store.hpp"

#include "journal/journal.hpp"

#include <chrono>

namespace deadlined::app {

JournalTokenStore::JournalTokenStore(std::filesystem::path journal_path)
    : path_(std::move(journal_path)) {}

journal::Store& JournalTokenStore::journal() {
  // A worker may wait for a lock held by the event loop's transaction: a refresh is rare,
  // and a stored token is worth the wait.
  if (!journal_)
    journal_ = std::make_unique<journal::Journal>(
        path_, journal::JournalOptions{std::chrono::milliseconds{10000}, false});
  return *journal_;
}

std::optional<delivery::Tokens> JournalTokenStore::load(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto stored = journal().provider_tokens(channel);
  if (!stored) return std::nullopt;
  return delivery::Tokens{stored->seed, stored->refresh_token, stored->access_token,
                          stored->expires_at.time_since_epoch().count()};
}

void JournalTokenStore::save(const std::string& channel, const delivery::Tokens& tokens) {
  std::lock_guard lock(mutex_);
  journal::ProviderTokens row;
  row.seed = tokens.seed;
  row.refresh_token = tokens.refresh_token;
  row.access_token = tokens.access_token;
  row.expires_at = journal::SysSeconds{std::chrono::seconds{tokens.expires_at}};
  row.updated_at =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  journal().store_provider_tokens(channel, row);
}

}  // namespace deadlined::app
