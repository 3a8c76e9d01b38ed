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

Outcome SmtpChannel::send(const Envelope& envelope) {
  auto easy = pool_.acquire();
  if (!easy) return Outcome::retryable("cannot create a curl handle");
  CURL* c = easy.get();
  char error[CURL_ERROR_SIZE] = {};
  Upload upload{envelope.content};
  detail::List recipients;
  for (const auto& r : envelope.recipients)
    detail::append(recipients, "<" + r + ">");
  std::string from = "<" + config_.from_address + ">";

  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   static_cast<long>(config_.tls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (!config_.username.empty()) curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
  if (!config_.password.empty())
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.value.c_str());
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(envelope.content.size()));

  CURLcode rc = curl_easy_perform(c);
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  if (rc == CURLE_OK) return Outcome::delivered("SMTP " + std::to_string(reply));
  if (reply >= 400) {
    Outcome outcome = classify_smtp_reply(reply);
    if (*error) outcome.detail += ": " + std::string(error);
    return outcome;
  }
  return detail::classify_curl_error(rc, error);
}

}  // namespace deadlined::delivery
