#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "delivery/channel.hpp"
#include "journal/store.hpp"
#include "schedule/extension.hpp"

namespace deadlined::http {

using config::SysSeconds;

struct Request {
  std::string method;
  std::string target;  ///< path and query, as sent
  std::string body;
  std::string remote;                          ///< the peer's address
  std::map<std::string, std::string> headers;  ///< names in lower case

  /// The value of header `name` (lower case), or "".
  std::string header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// Heavy work that completes this response (a calendar feed's body): the server runs it on
  /// a worker thread, not on the event loop. It may use only what it captured (a config,
  /// a read-only journal of its own), never the Backend.
  std::function<void(Response&)> deferred;
};

/// Runs `response`'s deferred work, if any, on the calling thread.
void complete(Response& response);

/// Figures of the running daemon, for /metrics.
struct Metrics {
  std::map<std::string, delivery::ChannelStats> channels;
  /// Each webhook channel: whether it is disabled (its receiver answered 410 Gone).
  std::map<std::string, bool> channel_disabled;
  std::size_t queued = 0;
  std::size_t in_flight = 0;
  std::optional<SysSeconds> next_event;
  std::uint64_t reloads_ok = 0;
  std::uint64_t reloads_failed = 0;
  bool last_reload_ok = true;
  std::uintmax_t journal_bytes = 0;  ///< the file and its write-ahead log
  bool journal_failing = false;
};

/// What the endpoints need from the daemon. Called on the io_context's thread only.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::shared_ptr<const config::Config> config() = 0;
  virtual journal::Store& journal() = 0;
  virtual SysSeconds now() = 0;
  virtual Metrics metrics() = 0;
  /// The extensions in force, of the journal's trail and the running config.
  virtual std::shared_ptr<const schedule::Extensions> extensions() = 0;
  /// The trail of extensions has a new entry: the schedule follows it.
  virtual void extensions_changed() = 0;
};

/// Answers one request: /healthz, /metrics, /ack/TOKEN (GET shows, POST confirms). Every
/// response carries security headers; all user data in pages is escaped.
Response handle(Backend& backend, const Request& request);

}  // namespace deadlined::http
