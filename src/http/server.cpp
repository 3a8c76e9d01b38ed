#include "http/server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace deadlined::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t k_header_limit = 8 * 1024;
constexpr std::size_t k_body_limit = 16 * 1024;
/// The read buffer's bound. The parser's limits cover the header and the body, not what it
/// must hold whole before it can parse it (a chunk's size line with its extensions, a
/// chunked body's trailer), so without a bound on the buffer one connection could make it
/// grow without end.
constexpr std::size_t k_buffer_limit = k_header_limit + k_body_limit + 4 * 1024;
/// A client has this long to send its request's header, and this long for the whole
/// request and its answer: a slow client (slowloris) holds a connection seconds, not minutes.
constexpr std::chrono::seconds k_header_time{5};
constexpr std::chrono::seconds k_request_time{10};
constexpr std::size_t k_max_connections = 64;
/// At most this many connections from one address; past it, or past k_max_connections,
/// the oldest connection still sending its request is dropped for the new one, so that a
/// quick request (a /healthz probe) always gets in.
constexpr std::size_t k_max_per_client = 16;

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io, Backend& b, asio::thread_pool* h)
      : acceptor(io), backend(b), heavy(h) {}

  struct Session;

  void accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec) {
        beast::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        std::string remote = peer_ec ? std::string() : peer.address().to_string();
        if (self->make_room(remote)) {
          auto session = std::make_shared<Session>(self, std::move(socket), remote);
          self->sessions.push_back(session);
          session->read();
        } else {
          beast::error_code ignored;
          socket.close(ignored);
        }
      }
      self->accept();
    });
  }

  /// Whether a new connection from `remote` may be served, after dropping the oldest slow
  /// one if the server, or that client's share of it, is full.
  bool make_room(const std::string& remote);

  /// One connection: reads one request within the limits, answers it, closes.
  struct Session : std::enable_shared_from_this<Session> {
    Session(std::shared_ptr<Impl> s, tcp::socket socket, std::string peer)
        : server(std::move(s)), stream(std::move(socket)), remote(std::move(peer)) {}

    void read() {
      parser.header_limit(k_header_limit);
      parser.body_limit(k_body_limit);
      started = std::chrono::steady_clock::now();
      stream.expires_after(k_header_time);
      bhttp::async_read_header(stream, buffer, parser,
                               [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) return self->on_read(ec);
                                 self->read_body();
                               });
    }

    void read_body() {
      stream.expires_at(started + k_request_time);
      bhttp::async_read(
          stream, buffer, parser,
          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
      reading = false;
      if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
          ec == bhttp::error::buffer_overflow) {
        return reply(413, "Yêu cầu quá lớn.\n");
      }
      if (ec) return close();
      const auto& message = parser.get();
      Request request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      request.body = message.body();
      request.remote = remote;
      for (const auto& field : message) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        request.headers[name] = std::string(field.value());
      }
      Response response;
      try {
        response = handle(server->backend, request);
      } catch (const std::exception& e) {
        spdlog::error("http: {} {}: {}", request.method, request.target.substr(0, 8), e.what());
        response.status = 500;
        response.content_type = "text/plain; charset=utf-8";
        response.body = "Lỗi máy chủ; xin thử lại sau.\n";
      }
      bool head = request.method == "HEAD";
      if (response.deferred && server->heavy) {
        // Built on a worker; the answer is written from the connection's own executor.
        asio::post(*server->heavy, [self = shared_from_this(), response = std::move(response),
                                    head]() mutable {
          run_deferred(response);
          auto executor = self->stream.get_executor();
          asio::post(executor, [self = std::move(self), response = std::move(response),
                                head]() mutable { self->send(std::move(response), head); });
        });
        return;
      }
      run_deferred(response);
      send(std::move(response), head);
    }

    /// Completes `response`; a failure is a 500, as on the loop.
    static void run_deferred(Response& response) {
      try {
        complete(response);
      } catch (const std::exception& e) {
        spdlog::error("http: building a response failed: {}", e.what());
        response.status = 500;
        response.content_type = "text/plain; charset=utf-8";
        response.body = "Lỗi máy chủ; xin thử lại sau.\n";
      }
    }

    void reply(int status, std::string text) {
      Response response;
      response.status = status;
      response.content_type = "text/plain; charset=utf-8";
      response.body = std::move(text);
      send(std::move(response));
    }

    /// Sends `response`; for a HEAD request, its header only (Content-Length as for GET).
    void send(Response response, bool head = false) {
      auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
      out->version(11);
      out->result(static_cast<unsigned>(response.status));
      out->set(bhttp::field::server, "deadlined");
      out->set(bhttp::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers)
        out->set(name, value);
      out->keep_alive(false);
      out->body() = std::move(response.body);
      out->prepare_payload();
      if (head) out->body().clear();
      stream.expires_after(k_request_time);
      bhttp::async_write(
          stream, *out,
          [self = shared_from_this(), out](beast::error_code, std::size_t) { self->close(); });
    }

    void close() {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.close();
    }

    std::shared_ptr<Impl> server;
    beast::tcp_stream stream;
    std::chrono::steady_clock::time_point started;
    bool reading = true;  ///< still receiving its request
    beast::flat_buffer buffer{k_buffer_limit};
    bhttp::request_parser<bhttp::string_body> parser;
    std::string remote;
  };

  tcp::acceptor acceptor;
  Backend& backend;
  asio::thread_pool* heavy;                      ///< runs deferred work; none: on the loop
  std::vector<std::weak_ptr<Session>> sessions;  ///< oldest first
};

bool Server::Impl::make_room(const std::string& remote) {
  std::erase_if(sessions, [](const std::weak_ptr<Session>& s) { return s.expired(); });
  std::size_t from_remote = 0;
  for (const auto& weak : sessions) {
    if (auto s = weak.lock(); s && s->remote == remote) ++from_remote;
  }
  bool client_full = from_remote >= k_max_per_client;
  if (!client_full && sessions.size() < k_max_connections) return true;
  for (const auto& weak : sessions) {
    auto s = weak.lock();
    if (!s || !s->reading || (client_full && s->remote != remote)) continue;
    spdlog::debug("http: dropping a slow connection from {} for a new one", s->remote);
    s->reading = false;
    s->close();
    return true;
  }
  return false;
}

Server::Server(asio::io_context& io, Backend& backend, const std::string& host, std::uint16_t port,
               asio::thread_pool* heavy)
    : impl_(std::make_shared<Impl>(io, backend, heavy)) {
  tcp::endpoint endpoint(asio::ip::make_address(host), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->accept();
}

Server::~Server() {
  stop();
}

void Server::stop() {
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

}  // namespace deadlined::http
