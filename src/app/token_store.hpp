#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "delivery/zalo_token.hpp"
#include "journal/store.hpp"

namespace deadlined::app {

/// The rotated tokens of providers (zalo-zns), kept in the journal on a connection of their
/// own: a refresh runs on a worker, never on the event loop's connection.
class JournalTokenStore final : public delivery::TokenStore {
 public:
  explicit JournalTokenStore(std::filesystem::path journal_path);
  std::optional<delivery::Tokens> load(const std::string& channel) override;
  void save(const std::string& channel, const delivery::Tokens& tokens) override;

 private:
  journal::Store& journal();  // opened on first use, with mutex_ held

  std::filesystem::path path_;
  std::mutex mutex_;
  std::unique_ptr<journal::Store> journal_;
};

}  // namespace deadlined::app
