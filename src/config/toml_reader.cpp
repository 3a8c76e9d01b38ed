#include "config/toml_reader.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <tuple>

namespace deadlined::config::detail {
namespace {

constexpr std::uintmax_t k_max_file_size = 16 * 1024 * 1024;

/// Why a file could not be opened or read, in Vietnamese for the usual causes.
std::string errno_text(int error) {
  switch (error) {
    case ENOENT:
      return "tệp không tồn tại";
    case EACCES:
    case EPERM:
      return "không có quyền đọc";
    case ELOOP:
      return "đường dẫn có vòng lặp liên kết tượng trưng (symlink)";
    case ENOTDIR:
      return "một phần của đường dẫn không phải là thư mục";
    default:
      return std::strerror(error);
  }
}

}  // namespace

namespace fs = std::filesystem;

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "bảng";
    case toml::node_type::array:
      return "mảng";
    case toml::node_type::string:
      return "chuỗi";
    case toml::node_type::integer:
      return "số nguyên";
    case toml::node_type::floating_point:
      return "số thực";
    case toml::node_type::boolean:
      return "giá trị đúng/sai";
    case toml::node_type::date:
      return "ngày";
    case toml::node_type::time:
      return "giờ";
    case toml::node_type::date_time:
      return "ngày giờ";
    default:
      return "giá trị trống";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool valid_email(std::string_view address) {
  auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == '"' ||
           c == '(' || c == ')' || c == ';' || c == '\\' || c == 0x7f;
  });
}

bool is_ascii(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

bool valid_helo_name(std::string_view name) {
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    std::string literal(name.substr(1, name.size() - 2));
    unsigned char address[16];
    if (literal.rfind("IPv6:", 0) == 0)
      return ::inet_pton(AF_INET6, literal.c_str() + 5, address) == 1;
    return ::inet_pton(AF_INET, literal.c_str(), address) == 1;
  }
  if (name.empty() || name.size() > 253 || name.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = std::min(name.find('.', start), name.size());
    std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    bool ldh = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!ldh) return false;
    start = dot + 1;
  }
  return true;
}

bool has_userinfo(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  auto authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  return authority.find('@') != std::string_view::npos;
}

bool has_control(std::string_view text, bool allow_tab) {
  return std::any_of(text.begin(), text.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && !(allow_tab && c == '\t')) || u == 0x7f;
  });
}

bool valid_header_name(std::string_view name) {
  constexpr std::string_view k_special = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           k_special.find(c) != std::string_view::npos;
  });
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::string> read_text_file(const fs::path& path, std::string& error) {
  // One open, one fstat and reads straight into the string: an ifstream copied through a
  // stringstream cost a tenth of loading 100k tasks.
  // Non-blocking: opening a FIFO for reading otherwise waits for a writer (and `check`, or
  // a reload on the event loop, with it). Only regular files are read.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = errno_text(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    error = errno_text(errno);
    return std::nullopt;
  }
  if (S_ISDIR(info.st_mode)) {
    error = "đây là một thư mục";
    return std::nullopt;
  }
  if (!S_ISREG(info.st_mode)) {
    error = "đây không phải là tệp thông thường (là FIFO, socket hoặc thiết bị)";
    return std::nullopt;
  }
  auto too_large = [&](std::uintmax_t size) {
    error = "tệp quá lớn (" + std::to_string(size) + " byte; giới hạn là 16 MiB)";
  };
  if (static_cast<std::uintmax_t>(info.st_size) > k_max_file_size) {
    too_large(static_cast<std::uintmax_t>(info.st_size));
    return std::nullopt;
  }
  std::string text;
  std::size_t used = 0;
  text.resize(static_cast<std::size_t>(info.st_size) + 1);
  for (;;) {
    if (used == text.size()) text.resize(text.size() * 2);
    ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno_text(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    if (used > k_max_file_size) {
      too_large(used);
      return std::nullopt;
    }
  }
  text.resize(used);
  if (text.find('\0') != std::string::npos) {
    error = "đây là tệp nhị phân, không phải TOML";
    return std::nullopt;
  }
  return text;
}

fs::path resolve_against(const fs::path& base, const fs::path& path) {
  return path.is_absolute() || base.empty() ? path : base / path;
}

Secret read_secret(TableReader& reader, const std::string& prefix, const fs::path& base_dir) {
  auto file = reader.string(prefix + "_file");
  auto env = reader.string(prefix + "_env");
  auto credential = reader.string(prefix + "_credential");
  const toml::node* file_node = reader.table().get(prefix + "_file");
  const toml::node* env_node = reader.table().get(prefix + "_env");
  const toml::node* credential_node = reader.table().get(prefix + "_credential");
  if (int{file.has_value()} + int{env.has_value()} + int{credential.has_value()} > 1) {
    reader.reporter().error((credential_node ? credential_node : env_node)->source(),
                            "chỉ khai báo một trong các khóa '" + prefix + "_file', '" + prefix +
                                "_env' và '" + prefix + "_credential' trong " + reader.context());
    return {};
  }
  if (credential) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (!dir || !*dir) {
      reader.reporter().error(credential_node->source(),
                              "'" + prefix +
                                  "_credential' cần LoadCredential= của systemd (biến "
                                  "CREDENTIALS_DIRECTORY chưa được đặt)");
      return {};
    }
    if (credential->empty() || credential->find('/') != std::string::npos) {
      reader.reporter().error(credential_node->source(),
                              "tên credential '" + *credential + "' không hợp lệ");
      return {};
    }
    file = (fs::path(dir) / *credential).string();
    file_node = credential_node;
  }
  if (file) {
    fs::path path = resolve_against(base_dir, *file);
    std::string error;
    auto text = read_text_file(path, error);
    if (!text) {
      reader.reporter().error(file_node->source(), "không đọc được tệp '" + path.string() +
                                                       "' của " + prefix + "_file: " + error);
      return {};
    }
    Secret secret{trim(*text)};
    if (secret.empty()) {
      reader.reporter().error(file_node->source(),
                              "tệp '" + path.string() + "' của " + prefix + "_file trống");
    }
    return secret;
  }
  if (env) {
    const char* value = std::getenv(env->c_str());
    if (!value || !*value) {
      reader.reporter().error(env_node->source(), "biến môi trường '" + *env + "' mà " + prefix +
                                                      "_env nêu chưa được đặt hoặc trống");
      return {};
    }
    return Secret{trim(value)};
  }
  return {};
}

std::vector<Diagnostic> in_reading_order(std::vector<Diagnostic> diagnostics) {
  std::vector<std::string> files;
  for (const auto& d : diagnostics) {
    if (std::find(files.begin(), files.end(), d.where.file) == files.end())
      files.push_back(d.where.file);
  }
  auto rank = [&](const Diagnostic& d) {
    auto file = std::find(files.begin(), files.end(), d.where.file) - files.begin();
    return std::tuple(file, d.where.line, d.where.column);
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
  return diagnostics;
}

LocalDays to_local_days(const toml::date& d) {
  return LocalDays{date::year{d.year} / date::month{d.month} / date::day{d.day}};
}

Seconds to_seconds(const toml::time& t) {
  return std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} + Seconds{t.second};
}

std::optional<toml::table> parse_file(const fs::path& path, std::vector<Diagnostic>& diagnostics) {
  Reporter reporter(path.string(), diagnostics);
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) {
    reporter.error(reporter.file_pos(), "không đọc được tệp: " + error);
    return std::nullopt;
  }
  try {
    return toml::parse(*text, path.string());
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    reporter.error(e.source(), explain_syntax_error(e.description(), *text, at.line, at.column));
    return std::nullopt;
  }
}

}  // namespace deadlined::config::detail
