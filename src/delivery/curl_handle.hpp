#pragma once

#include <curl/curl.h>

#include <atomic>
#include <memory>
#include <string>

#include "delivery/channel.hpp"

namespace deadlined::delivery::detail {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

/// A fresh easy handle with the options every transfer shares: no signals, a total timeout,
/// TLS verification unless `insecure`, and an abort check on progress.
Easy make_easy(long timeout_seconds, bool insecure, const std::atomic<bool>& abort);

/// Appends to a list, keeping ownership in `list`.
void append(List& list, const std::string& value);

/// Classifies a transport-level failure (no usable reply from the peer).
Outcome classify_curl_error(CURLcode code, const char* error_buffer);

}  // namespace deadlined::delivery::detail
