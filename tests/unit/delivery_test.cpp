#include <catch2/catch.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "codec/base64.hpp"
#include "delivery/channels.hpp"
#include "support/temp_dir.hpp"

using namespace deadlined;
using delivery::Outcome;

TEST_CASE("webhook signature matches the Standard Webhooks test vector", "[delivery]") {
  auto key = codec::base64_decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(key);
  CHECK(delivery::webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                    R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("base64 round-trips and rejects junk", "[codec]") {
  CHECK(codec::base64_encode("") == "");
  CHECK(codec::base64_encode("f") == "Zg==");
  CHECK(codec::base64_encode("fo") == "Zm8=");
  CHECK(codec::base64_encode("foo") == "Zm9v");
  CHECK(codec::base64_encode("Việt") == "Vmnhu4d0");
  CHECK(codec::base64_decode("Zm9vYg==") == "foob");
  CHECK(codec::base64_decode("Zm9vYg") == "foob");
  CHECK_FALSE(codec::base64_decode("Zm9v!"));
  CHECK_FALSE(codec::base64_decode("Z"));
}

TEST_CASE("HTTP statuses are classified as Alertmanager does", "[delivery]") {
  CHECK(delivery::classify_http_status(200).kind == Outcome::Kind::delivered);
  CHECK(delivery::classify_http_status(204).kind == Outcome::Kind::delivered);
  for (long status : {408L, 429L, 500L, 502L, 503L}) {
    CHECK(delivery::classify_http_status(status).kind == Outcome::Kind::retryable);
  }
  for (long status : {301L, 400L, 401L, 404L, 410L}) {
    CHECK(delivery::classify_http_status(status).kind == Outcome::Kind::permanent);
  }
  CHECK(delivery::classify_http_status(503).detail == "HTTP 503");
}

TEST_CASE("Retry-After on 429 and 503 sets the next attempt, 410 marks the endpoint gone",
          "[delivery]") {
  using std::chrono::seconds;
  for (long status : {429L, 503L}) {
    auto out = delivery::classify_http_status(status, seconds{300});
    CHECK(out.kind == Outcome::Kind::retryable);
    CHECK(out.retry_after == seconds{300});
    CHECK(out.detail == "HTTP " + std::to_string(status) + " (Retry-After 300s)");
  }
  // RFC 9110 gives Retry-After its meaning on 503 and 3xx, RFC 6585 on 429: a 500 or 502
  // with one is retried on our own backoff.
  CHECK_FALSE(delivery::classify_http_status(500, seconds{300}).retry_after);
  CHECK_FALSE(delivery::classify_http_status(503).retry_after);
  CHECK_FALSE(delivery::classify_http_status(404).gone);
  auto gone = delivery::classify_http_status(410);
  CHECK(gone.kind == Outcome::Kind::permanent);
  CHECK(gone.gone);
}

TEST_CASE("Retry-After values: delay-seconds or any of the three HTTP-date formats", "[delivery]") {
  using std::chrono::seconds;
  // Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example.
  const std::time_t now = 784111777 - 120;
  CHECK(delivery::parse_retry_after("300", now) == seconds{300});
  CHECK(delivery::parse_retry_after(" 0 ", now) == seconds{0});
  CHECK(delivery::parse_retry_after("99999999999999", now) == seconds{86400});
  CHECK(delivery::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == seconds{120});
  CHECK(delivery::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == seconds{120});
  CHECK(delivery::parse_retry_after("Sun Nov  6 08:49:37 1994", now) == seconds{120});
  // A date already past asks for no wait.
  CHECK(delivery::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 600) == seconds{0});
  CHECK_FALSE(delivery::parse_retry_after("", now));
  CHECK_FALSE(delivery::parse_retry_after("-5", now));
  CHECK_FALSE(delivery::parse_retry_after("soon", now));
}

TEST_CASE("SMTP replies: 4xx retry, 5xx permanent", "[delivery]") {
  CHECK(delivery::classify_smtp_reply(250).kind == Outcome::Kind::delivered);
  CHECK(delivery::classify_smtp_reply(421).kind == Outcome::Kind::retryable);
  CHECK(delivery::classify_smtp_reply(451).kind == Outcome::Kind::retryable);
  CHECK(delivery::classify_smtp_reply(550).kind == Outcome::Kind::permanent);
}

TEST_CASE("the Maildir channel writes one complete file into new/ with LF line ends",
          "[delivery]") {
  test::TempDir dir;
  delivery::MaildirChannel channel(dir.path() / "outbox");
  auto outcome = channel.send({"k1", {"a@example.org"}, "Subject: x\r\n\r\nbody\r\n"});
  REQUIRE(outcome.kind == Outcome::Kind::delivered);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "outbox" / "new")) {
    files.push_back(e.path());
  }
  REQUIRE(files.size() == 1);
  CHECK(std::filesystem::is_empty(dir.path() / "outbox" / "tmp"));
  CHECK(std::filesystem::is_directory(dir.path() / "outbox" / "cur"));
  std::ifstream in(files[0], std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  CHECK(content.str() == "Subject: x\n\nbody\n");
}

TEST_CASE("a file whose fsync fails is reported and its descriptor closed", "[delivery]") {
  // fsync of a pipe fails (EINVAL) after the write succeeds: the path where a short-circuit
  // `fsync(fd) != 0 || close(fd) != 0` used to leave the descriptor open.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto error = delivery::detail::write_durably(fds[1], "Subject: x\n\nbody\n");
  REQUIRE(error);
  CHECK(error->rfind("fsync failed", 0) == 0);
  errno = 0;
  CHECK(::fcntl(fds[1], F_GETFD) == -1);
  CHECK(errno == EBADF);
  char buffer[64];
  CHECK(::read(fds[0], buffer, sizeof buffer) == 17);  // written before the fsync failed
  ::close(fds[0]);

  // A write that fails (the reader is gone) closes it too.
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  std::signal(SIGPIPE, SIG_IGN);
  error = delivery::detail::write_durably(fds[1], "x");
  REQUIRE(error);
  CHECK(error->rfind("write failed", 0) == 0);
  CHECK(::fcntl(fds[1], F_GETFD) == -1);
}

TEST_CASE("a Maildir that cannot be created is a retryable failure", "[delivery]") {
  test::TempDir dir;
  dir.write("blocker", "a file where the folder should be");
  delivery::MaildirChannel channel(dir.path() / "blocker" / "outbox");
  auto outcome = channel.send({"k1", {}, "x"});
  CHECK(outcome.kind == Outcome::Kind::retryable);
  CHECK(outcome.detail.find("cannot create") == 0);
}

TEST_CASE("SMTP sends one message per address, Maildir one per message", "[delivery]") {
  std::atomic<bool> abort{false};
  delivery::SmtpChannel smtp(config::EmailConfig{}, abort);
  delivery::MaildirChannel maildir("/nonexistent");
  std::vector<std::string> both{"a@example.org", "vp@example.org"};
  using Groups = std::vector<std::vector<std::string>>;
  CHECK(delivery::recipient_groups(smtp, both) == Groups{{"a@example.org"}, {"vp@example.org"}});
  CHECK(delivery::recipient_groups(maildir, both) == Groups{both});
}

namespace {

/// A loopback port nothing listens on: bound, read back, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), size);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("webhooks end on the transfer loop's thread, where one can start the next",
          "[delivery]") {
  std::atomic<bool> abort{false};
  delivery::detail::TransferLoop loop(4);
  config::WebhookConfig hook;
  hook.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  hook.timeout = std::chrono::seconds{5};
  delivery::WebhookChannel channel(hook, abort, loop);
  REQUIRE(channel.asynchronous());

  std::promise<std::vector<std::pair<std::thread::id, Outcome>>> ended;
  std::vector<std::pair<std::thread::id, Outcome>> outcomes;
  channel.send_async({"k1", {}, "{}"}, 0, [&](Outcome first) {
    outcomes.emplace_back(std::this_thread::get_id(), std::move(first));
    channel.send_async({"k2", {}, "{}"}, 0, [&](Outcome second) {
      outcomes.emplace_back(std::this_thread::get_id(), std::move(second));
      ended.set_value(outcomes);
    });
  });
  auto future = ended.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  auto result = future.get();
  REQUIRE(result.size() == 2);
  for (const auto& [thread, outcome] : result) {
    CHECK(thread != std::this_thread::get_id());
    CHECK(thread == result.front().first);
    CHECK(outcome.kind == Outcome::Kind::retryable);  // connection refused
  }
  // The blocking send of the same channel gives the same outcome on the calling thread.
  CHECK(channel.send({"k3", {}, "{}"}).kind == Outcome::Kind::retryable);
}

TEST_CASE("a transfer loop starts its thread with the first transfer", "[delivery]") {
  auto threads = [] {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    return -1;
  };
  int before = threads();
  std::atomic<bool> abort{false};
  delivery::detail::TransferLoop loop(4);
  config::WebhookConfig hook;
  hook.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  delivery::WebhookChannel channel(hook, abort, loop);
  // ThreadSanitizer starts a thread of its own along the way: there only the loop's count
  // is checked.
#if defined(__SANITIZE_THREAD__)
  constexpr bool k_process_threads_counted = false;
#else
  constexpr bool k_process_threads_counted = true;
#endif
  // A configuration that sends nothing costs no thread.
  CHECK(loop.threads_started() == 0);
  if (k_process_threads_counted) CHECK(threads() == before);
  std::promise<void> ended;
  channel.send_async({"k1", {}, "{}"}, 0, [&](Outcome) { ended.set_value(); });
  REQUIRE(ended.get_future().wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  CHECK(loop.threads_started() == 1);
  if (k_process_threads_counted) CHECK(threads() == before + 1);
}

namespace {

/// A loopback listener that never answers: a transfer to it stays in flight until its
/// timeout. Closed with the object.
struct SilentListener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  SilentListener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), size);
    ::listen(fd, 16);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd); }
};

}  // namespace

TEST_CASE(
    "a transfer loop runs each slot's transfers on one thread, the slots spread over its "
    "threads",
    "[delivery]") {
  SilentListener silent;
  std::atomic<bool> abort{false};
  delivery::detail::TransferLoop loop(4, 2);
  config::WebhookConfig hook;
  hook.url = "http://127.0.0.1:" + std::to_string(silent.port) + "/hook";
  hook.timeout = std::chrono::seconds{1};
  delivery::WebhookChannel channel(hook, abort, loop);

  // Slots 1, 0 and 2 start from this thread, in that order, and are in flight at once; when
  // slot 0's transfer ends, its callback starts the slot's next one (as the scheduler
  // does). Each transfer waits for its timeout: nothing answers. (Spread by load instead,
  // slot 2 would join slot 1, which started first.)
  std::mutex mutex;
  std::map<std::string, std::thread::id> ran_on;
  std::promise<void> all_done;
  auto ended = [&](const std::string& key) {
    return [&, key](Outcome) {
      std::lock_guard lock(mutex);
      ran_on[key] = std::this_thread::get_id();
      if (ran_on.size() == 4) all_done.set_value();
    };
  };
  channel.send_async({"slot1", {}, "{}"}, 1, ended("slot1"));
  channel.send_async({"slot0-first", {}, "{}"}, 0, [&](Outcome outcome) {
    ended("slot0-first")(outcome);
    channel.send_async({"slot0-next", {}, "{}"}, 0, ended("slot0-next"));
  });
  channel.send_async({"slot2", {}, "{}"}, 2, ended("slot2"));
  auto future = all_done.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds{20}) == std::future_status::ready);
  std::lock_guard lock(mutex);
  CHECK(ran_on["slot0-first"] != ran_on["slot1"]);       // two slots, two threads
  CHECK(ran_on["slot0-next"] == ran_on["slot0-first"]);  // a slot keeps its thread
  CHECK(ran_on["slot2"] == ran_on["slot0-first"]);       // slots wrap around the threads
  CHECK(loop.threads_started() == 2);
}
