#include <cstring>

#include "delivery/channels.hpp"
#include "delivery/curl_handle.hpp"

namespace deadlined::delivery {
namespace {

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
            curl_easy_setopt(c, CURLOPT_URL, config.url.c_str());
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
