#pragma once

#include <curl/curl.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "delivery/channel.hpp"
#include "delivery/transfer_loop.hpp"

namespace deadlined::delivery::detail {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

/// The easy handles of one channel, kept between transfers: a blocking transfer's handle
/// keeps its connection open (HTTP keep-alive, the SMTP server's connection), so a burst of
/// messages to one receiver does not pay a TCP (and TLS) handshake each; on a TransferLoop
/// the loop's cache keeps them. As many handles exist as transfers have run at once (the
/// scheduler caps that per channel). Thread-safe; held by shared_ptr, which its leases
/// share, so a handle in flight can always go back.
class EasyPool : public std::enable_shared_from_this<EasyPool> {
 public:
  /// Sets a channel's fixed options (those every one of its transfers shares) on a new handle.
  using Setup = std::function<void(CURL*)>;

  EasyPool(long timeout_seconds, bool insecure, const std::atomic<bool>& abort, Setup setup)
      : timeout_seconds_(timeout_seconds),
        insecure_(insecure),
        abort_(abort),
        setup_(std::move(setup)) {}

  /// A handle lent for one transfer, with the shared options set; returned on destruction.
  class Lease {
   public:
    Lease(std::shared_ptr<EasyPool> pool, Easy easy)
        : pool_(std::move(pool)), easy_(std::move(easy)) {}
    ~Lease() { pool_->give_back(std::move(easy_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CURL* get() const { return easy_.get(); }
    explicit operator bool() const { return easy_ != nullptr; }

   private:
    std::shared_ptr<EasyPool> pool_;
    Easy easy_;
  };

  /// An idle handle, or a new one set up with the options every transfer shares (no signals,
  /// a total timeout, TLS verification unless `insecure`, an abort check on progress) and
  /// the channel's fixed ones. An idle handle keeps its open connections and the options of
  /// its last transfer: a request sets each of its other options on every transfer (a reset
  /// and setting everything again cost a few microseconds per message).
  Lease acquire();

 private:
  void give_back(Easy easy);

  long timeout_seconds_;
  bool insecure_;
  const std::atomic<bool>& abort_;
  Setup setup_;
  std::mutex mutex_;
  std::vector<Easy> idle_;
};

/// Appends to a list, keeping ownership in `list`.
void append(List& list, const std::string& value);

/// Classifies a transport-level failure (no usable reply from the peer).
Outcome classify_curl_error(CURLcode code, const char* error_buffer);

/// Runs a prepared request (its `easy` lease and `outcome(CURLcode)`) on this thread; a null
/// request had no handle.
template <class Request>
Outcome perform(const std::shared_ptr<Request>& request) {
  if (!request) return Outcome::retryable("cannot create a curl handle");
  return request->outcome(curl_easy_perform(request->easy.get()));
}

/// Runs a prepared request on `loop` (on its thread for `affinity`, see TransferLoop::add),
/// which calls `done` with its outcome; the request lives until then.
template <class Request>
void perform_on(TransferLoop& loop, std::size_t affinity, std::shared_ptr<Request> request,
                Channel::Done done) {
  if (!request) {
    done(Outcome::retryable("cannot create a curl handle"));
    return;
  }
  CURL* easy = request->easy.get();
  loop.add(easy, affinity, [request = std::move(request), done = std::move(done)](CURLcode rc) {
    done(request->outcome(rc));
  });
}

}  // namespace deadlined::delivery::detail
