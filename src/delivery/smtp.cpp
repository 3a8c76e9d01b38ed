#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "delivery/channels.hpp"
#include "delivery/curl_handle.hpp"

namespace deadlined::delivery {
namespace {

/// This host's canonical name (getaddrinfo of gethostname) when it is fully qualified,
/// else empty. libcurl's own EHLO name is gethostname() cut at the first dot.
std::string fully_qualified_host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  std::string fqdn = name;
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(name, nullptr, &hints, &found) == 0) {
    if (found->ai_canonname) fqdn = found->ai_canonname;
    ::freeaddrinfo(found);
  }
  bool domain = std::all_of(fqdn.begin(), fqdn.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
  if (!domain || fqdn.find('.') == std::string::npos || fqdn.front() == '.' || fqdn.back() == '.' ||
      fqdn.rfind("localhost", 0) == 0)
    return {};
  return fqdn;
}

/// "[192.0.2.1]" or "[IPv6:2001:db8::1]": the address connections to the server at `url`
/// leave from, as the kernel routes them (connecting a UDP socket sends nothing); empty when
/// the server cannot be resolved.
std::string local_address_literal(const std::string& url) {
  std::string host, port;
  if (CURLU* u = curl_url()) {
    char* part = nullptr;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
      if (curl_url_get(u, CURLUPART_HOST, &part, 0) == CURLUE_OK) host = part;
      curl_free(part);
      part = nullptr;
      if (curl_url_get(u, CURLUPART_PORT, &part, CURLU_DEFAULT_PORT) == CURLUE_OK) port = part;
      curl_free(part);
    }
    curl_url_cleanup(u);
  }
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (host.empty() || ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return {};
  std::string literal;
  for (addrinfo* a = found; a && literal.empty(); a = a->ai_next) {
    int fd = ::socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    char text[INET6_ADDRSTRLEN] = {};
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
      if (local.ss_family == AF_INET &&
          ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&local)->sin_addr, text,
                      sizeof text)) {
        literal = "[" + std::string(text) + "]";
      } else if (local.ss_family == AF_INET6 &&
                 ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr, text,
                             sizeof text)) {
        literal = "[IPv6:" + std::string(text) + "]";
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return literal;
}

/// The channel's url with the name to send after EHLO as its path, which is how libcurl is
/// told it: `helo_name`, else this host's FQDN, else an address literal (RFC 5321 4.1.1.1).
std::string url_with_ehlo_name(const config::EmailConfig& config) {
  std::string name = config.helo_name;
  if (name.empty()) name = fully_qualified_host_name();
  if (name.empty()) name = local_address_literal(config.url);
  std::string url = config.url;
  if (!url.empty() && url.back() == '/') url.pop_back();
  if (name.empty()) return url;
  url += '/';
  for (char c : name) {  // libcurl decodes the path; '[' and ':' are not left to chance
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.';
    if (plain) {
      url += c;
    } else {
      constexpr const char* k_hex = "0123456789ABCDEF";
      auto u = static_cast<unsigned char>(c);
      url += '%';
      url += k_hex[u >> 4];
      url += k_hex[u & 0xF];
    }
  }
  return url;
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

Outcome classify_smtp_reply(long code) {
  if (code >= 200 && code < 400) return Outcome::delivered("SMTP " + std::to_string(code));
  if (code >= 400 && code < 500) return Outcome::retryable("SMTP " + std::to_string(code));
  return Outcome::permanent("SMTP " + std::to_string(code));
}

namespace {
/// Whether STARTTLS is required only because a password is configured.
bool tls_for_credentials(const config::EmailConfig& config) {
  return !config.tls_required && !config.username.empty() && !config.allow_cleartext_auth &&
         config.url.rfind("smtp://", 0) == 0;
}
}  // namespace

SmtpChannel::SmtpChannel(const config::EmailConfig& config, const std::atomic<bool>& abort)
    : tls_for_credentials_(tls_for_credentials(config)),
      pool_(std::make_shared<detail::EasyPool>(
          static_cast<long>(config.timeout.count()), config.insecure_skip_verify, abort,
          [config](CURL* c) {
            // Worked out per handle, on the worker that makes it: the lookups may take a
            // while, and the host's name or address may have changed since the last one.
            curl_easy_setopt(c, CURLOPT_URL, url_with_ehlo_name(config).c_str());
            // With a username, the password never goes out without TLS unless the config
            // says so: a server without STARTTLS, or an attacker who strips it, gets none.
            bool tls = config.tls_required || tls_for_credentials(config);
            curl_easy_setopt(c, CURLOPT_USE_SSL,
                             static_cast<long>(tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
            if (!config.username.empty())
              curl_easy_setopt(c, CURLOPT_USERNAME, config.username.c_str());
            if (!config.password.empty())
              curl_easy_setopt(c, CURLOPT_PASSWORD, config.password.value.c_str());
            if (!config.ca_file.empty())
              curl_easy_setopt(c, CURLOPT_CAINFO, config.ca_file.c_str());
            curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + config.from_address + ">").c_str());
            curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_upload);
          })) {}

/// One message to the server: the handle and everything its options point to, alive until
/// it has finished.
struct SmtpChannel::Request {
  detail::EasyPool::Lease easy;
  Envelope envelope;
  Upload upload;
  detail::List recipients;
  char error[CURL_ERROR_SIZE] = {};

  bool tls_for_credentials = false;

  /// The outcome once the transfer has ended with `rc`.
  Outcome outcome(CURLcode rc) const {
    if (rc == CURLE_USE_SSL_FAILED && tls_for_credentials) {
      return Outcome::permanent(
          "the SMTP server offers no STARTTLS, and the password is never sent without TLS "
          "(set [email] tls = \"required\" with a server that has TLS, or "
          "allow_cleartext_auth = true to send it in cleartext)");
    }
    long reply = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply);
    if (rc == CURLE_OK) return Outcome::delivered("SMTP " + std::to_string(reply));
    if (reply >= 400) {
      Outcome outcome = classify_smtp_reply(reply);
      if (*error) outcome.detail += ": " + std::string(error);
      return outcome;
    }
    return detail::classify_curl_error(rc, error);
  }
};

std::shared_ptr<SmtpChannel::Request> SmtpChannel::prepare(Envelope envelope) {
  auto r = std::shared_ptr<Request>(new Request{pool_->acquire(), std::move(envelope), {}, {}});
  if (!r->easy) return nullptr;
  r->tls_for_credentials = tls_for_credentials_;
  CURL* c = r->easy.get();
  r->upload.data = r->envelope.content;
  for (const auto& address : r->envelope.recipients)
    detail::append(r->recipients, "<" + address + ">");

  // The channel's fixed options are set once per handle (the pool's setup above).
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, r->recipients.get());
  curl_easy_setopt(c, CURLOPT_READDATA, &r->upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(r->envelope.content.size()));
  return r;
}

Outcome SmtpChannel::send(const Envelope& envelope) {
  return detail::perform(prepare(envelope));
}

}  // namespace deadlined::delivery
