#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>

#include "delivery/channels.hpp"

namespace deadlined::delivery {
namespace {

std::atomic<unsigned long> g_sequence{0};

std::string errno_text(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

/// Maildir files use the local line convention: LF.
std::string to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

bool sync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

namespace detail {

std::optional<std::string> write_durably(int fd, std::string_view data) {
  std::optional<std::string> error;
  auto fail = [&](const char* what) {
    if (!error) error = std::string(what) + " failed (" + std::strerror(errno) + ")";
  };
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      fail("write");
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (!error && ::fsync(fd) != 0) fail("fsync");
  // Closed whatever failed before: the descriptor is never left open.
  if (::close(fd) != 0) fail("close");
  return error;
}

}  // namespace detail

Outcome MaildirChannel::send(const Envelope& envelope) {
  std::error_code ec;
  for (const char* sub : {"tmp", "new", "cur"}) {
    if (std::filesystem::is_directory(dir_ / sub, ec)) continue;
    std::filesystem::create_directories(dir_ / sub, ec);
    if (ec)
      return Outcome::retryable("cannot create " + (dir_ / sub).string() + ": " + ec.message());
    // Reminders name units and tasks: readable by the service only.
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, ec);
    std::filesystem::permissions(dir_ / sub, std::filesystem::perms::owner_all, ec);
  }
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string name = std::to_string(micros / 1000000) + ".M" + std::to_string(micros % 1000000) +
                     "P" + std::to_string(::getpid()) + "Q" + std::to_string(++g_sequence) + "." +
                     host;
  auto tmp = dir_ / "tmp" / name;
  auto target = dir_ / "new" / name;

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Outcome::retryable(errno_text("cannot create", tmp));
  if (auto error = detail::write_durably(fd, to_lf(envelope.content))) {
    ::unlink(tmp.c_str());
    return Outcome::retryable(*error + ": " + tmp.string());
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    auto outcome = Outcome::retryable(errno_text("cannot move into", target));
    ::unlink(tmp.c_str());
    return outcome;
  }
  sync_dir(dir_ / "new");
  return Outcome::delivered("written to " + target.string());
}

}  // namespace deadlined::delivery
