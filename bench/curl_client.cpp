// The reference of the delivery benchmark: the least a program must do to deliver through
// libcurl, so that deadlined's rate can be set beside this machine's practical limit.
//
//   deadlined_curl_client http URL N CONCURRENCY BODY_FILE   POSTs the body N times
//   deadlined_curl_client smtp URL N CONCURRENCY             sends N small mails
//
// CONCURRENCY threads share the N transfers; each keeps one easy handle, so its connection
// is reused (keep-alive for HTTP, one SMTP session per mail on a kept connection). Prints
// "requests=N seconds=S rate=R".
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Source {
  const std::string* text;
  std::size_t offset = 0;
};

std::size_t read_mail(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* source = static_cast<Source*>(user);
  std::size_t n = std::min(size * count, source->text->size() - source->offset);
  std::memcpy(buffer, source->text->data() + source->offset, n);
  source->offset += n;
  return n;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

/// Runs `count` transfers on one reused handle; returns the number that failed.
long worker(bool http, const std::string& url, const std::string& body, long count) {
  CURL* c = curl_easy_init();
  if (!c) return count;
  long failed = 0;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  if (http) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
  } else {
    recipients = curl_slist_append(recipients, "<u@bench.example>");
  }
  for (long i = 0; i < count; ++i) {
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    Source source{&body};
    if (http) {
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &discard);
    } else {
      curl_easy_setopt(c, CURLOPT_MAIL_FROM, "<vp@bench.example>");
      curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_mail);
      curl_easy_setopt(c, CURLOPT_READDATA, &source);
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || (http && (status < 200 || status >= 300))) ++failed;
  }
  curl_slist_free_all(headers);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(c);
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || (std::strcmp(argv[1], "http") == 0 && argc < 6)) {
    std::cerr << "usage: deadlined_curl_client http URL N CONCURRENCY BODY_FILE\n"
                 "       deadlined_curl_client smtp URL N CONCURRENCY\n";
    return 2;
  }
  const bool http = std::strcmp(argv[1], "http") == 0;
  const std::string url = argv[2];
  const long n = std::stol(argv[3]);
  const long concurrency = std::max(1L, std::stol(argv[4]));
  std::string body;
  if (http) {
    std::ifstream in(argv[5], std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    body = text.str();
  } else {
    body =
        "From: <vp@bench.example>\r\nTo: <u@bench.example>\r\nSubject: bench\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
        std::string(600, 'x') + "\r\n";
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::atomic<long> failed{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (long t = 0; t < concurrency; ++t) {
    long count = n / concurrency + (t < n % concurrency ? 1 : 0);
    threads.emplace_back([&, count] { failed += worker(http, url, body, count); });
  }
  for (auto& thread : threads)
    thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  curl_global_cleanup();
  std::printf("requests=%ld seconds=%.3f rate=%.1f failed=%ld\n", n, seconds,
              static_cast<double>(n) / seconds, failed.load());
  return failed == 0 ? 0 : 1;
}
