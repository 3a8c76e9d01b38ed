#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/http.hpp"

namespace deadlined::http {

/// An HTTP/1.1 server (Boost.Beast) on `io`'s thread: one request per connection, headers
/// up to 8 KiB within 5 s, bodies up to 16 KiB, 10 s for a request and its answer, at most 64
/// connections and 16 from one address; when full, the oldest connection still sending its
/// request is dropped for a new one.
class Server {
 public:
  /// Binds HOST:PORT; throws std::system_error when it cannot. Responses with deferred work
  /// (calendar feeds) are built on `heavy`, or on the loop without one.
  Server(boost::asio::io_context& io, Backend& backend, const std::string& host, std::uint16_t port,
         boost::asio::thread_pool* heavy = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Stops accepting; open connections finish or time out.
  void stop();
  std::uint16_t port() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace deadlined::http
