#include "delivery/curl_handle.hpp"

namespace deadlined::delivery::detail {
namespace {

int on_progress(void* abort, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(abort)->load() ? 1 : 0;
}

/// Sets the options every transfer shares on a new handle.
void set_common_options(CURL* c, long timeout_seconds, bool insecure,
                        const std::atomic<bool>& abort) {
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(timeout_seconds, 30L));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&abort));
  if (insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

}  // namespace

EasyPool::Lease EasyPool::acquire() {
  Easy easy;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      easy = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!easy) {
    easy.reset(curl_easy_init());
    if (!easy) return Lease(shared_from_this(), nullptr);
    set_common_options(easy.get(), timeout_seconds_, insecure_, abort_);
    if (setup_) setup_(easy.get());
  }
  return Lease(shared_from_this(), std::move(easy));
}

void EasyPool::give_back(Easy easy) {
  if (!easy) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(easy));
}

void append(List& list, const std::string& value) {
  curl_slist* grown = curl_slist_append(list.get(), value.c_str());
  if (grown) {
    (void)list.release();
    list.reset(grown);
  }
}

Outcome classify_curl_error(CURLcode code, const char* error_buffer) {
  std::string detail = error_buffer && *error_buffer ? error_buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_TOO_MANY_REDIRECTS:
      return Outcome::permanent(detail);
    case CURLE_ABORTED_BY_CALLBACK:
      return Outcome::retryable("abandoned at shutdown");
    default:
      return Outcome::retryable(detail);
  }
}

}  // namespace deadlined::delivery::detail
