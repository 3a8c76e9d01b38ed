#pragma once

// Reading TOML with positions: shared by the loaders of the main file, plan files and
// holiday files. Internal to config/.

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "config/config.hpp"
#include "config/diagnostic.hpp"
#include "config/lead.hpp"
#include "config/suggest.hpp"

namespace deadlined::config::detail {

std::string_view type_name(toml::node_type type);
std::size_t edit_distance(std::string_view a, std::string_view b);
bool valid_id(std::string_view id);
bool valid_email(std::string_view address);
/// Whether `text` is ASCII only. An email address must be: deadlined sends no SMTPUTF8
/// (RFC 6531) mail, and an address may never be put in an encoded-word (RFC 2047 5).
bool is_ascii(std::string_view text);
/// What a diagnostic says after naming a non-ASCII email address.
inline constexpr std::string_view k_non_ascii_address =
    " có ký tự ngoài bảng mã ASCII (chữ có dấu): deadlined không gửi thư quốc tế hóa "
    "(SMTPUTF8, RFC 6531); dùng địa chỉ không dấu, tên miền quốc tế viết ở dạng xn--";
/// Whether `name` can follow EHLO: a domain name of two labels or more, or an address
/// literal ("[192.0.2.1]", "[IPv6:2001:db8::1]") (RFC 5321 4.1.3).
bool valid_helo_name(std::string_view name);
/// True when a url carries "user:password@" before its host; such urls end up in logs.
bool has_userinfo(std::string_view url);
/// Whether `text` holds a control character (below U+0020, or DEL); `allow_tab` lets HTAB
/// pass (a header value may hold one). A CR or LF in what reaches a protocol would split
/// its lines: a response header, a request header.
bool has_control(std::string_view text, bool allow_tab = false);
/// Whether `name` is an HTTP field name (RFC 9110 token).
bool valid_header_name(std::string_view name);
std::string trim(std::string_view s);

/// Collects diagnostics for one file.
class Reporter {
 public:
  Reporter(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  SourcePos pos(const toml::source_region& region) const {
    return {file_, region.begin.line, region.begin.column};
  }
  SourcePos file_pos() const { return {file_, 0, 0}; }
  const std::string& file() const { return file_; }

  void error(const toml::source_region& region, std::string message) {
    error(pos(region), std::move(message));
  }
  void error(SourcePos where, std::string message) {
    out_.push_back({std::move(where), Diagnostic::Severity::error, std::move(message)});
  }
  void warning(SourcePos where, std::string message) {
    out_.push_back({std::move(where), Diagnostic::Severity::warning, std::move(message)});
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
};

/// Reads the keys of one table and reports unknown, missing and mistyped ones. `context`
/// names the table as it reads after "trong": "[service]", "nhiệm vụ 'a' của kế hoạch 'b'".
class TableReader {
 public:
  TableReader(const toml::table& table, std::string context, Reporter& reporter)
      : table_(table), context_(std::move(context)), reporter_(reporter) {
    known_.reserve(24);  // a [[task]] asks for about twenty keys: one allocation, not five
  }

  const toml::table& table() const { return table_; }
  Reporter& reporter() { return reporter_; }
  const std::string& context() const { return context_; }

  /// The node for `key`, marking it known; reports it when required and absent.
  const toml::node* node(std::string_view key, bool required = false) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
    const toml::node* found = table_.get(key);
    if (!found && required) {
      reporter_.error(table_.source(),
                      "thiếu khóa bắt buộc '" + std::string(key) + "' trong " + context_);
    }
    return found;
  }

  std::optional<std::string> string(std::string_view key, bool required = false) {
    const toml::node* n = node(key, required);
    if (!n) return std::nullopt;
    if (auto v = n->value_exact<std::string>()) return *v;
    wrong_type(*n, key, "chuỗi");
    return std::nullopt;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (auto v = n->value_exact<bool>()) return *v;
    wrong_type(*n, key, "giá trị đúng/sai (true hoặc false)");
    return std::nullopt;
  }

  /// An array of strings, each with its position.
  std::optional<std::vector<std::pair<std::string, SourcePos>>> strings(std::string_view key,
                                                                        bool required = false) {
    const toml::node* n = node(key, required);
    if (!n) return std::nullopt;
    const toml::array* array = n->as_array();
    if (!array) {
      wrong_type(*n, key, "mảng chuỗi, ví dụ [\"a\", \"b\"]");
      return std::nullopt;
    }
    std::vector<std::pair<std::string, SourcePos>> out;
    bool ok = true;
    for (const toml::node& element : *array) {
      if (auto v = element.value_exact<std::string>()) {
        out.emplace_back(*v, reporter_.pos(element.source()));
      } else {
        reporter_.error(element.source(), "'" + std::string(key) + "' trong " + context_ +
                                              " chỉ được chứa chuỗi, không chứa " +
                                              std::string(type_name(element.type())));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  /// A duration given as a string ("30s", "10m") or as whole seconds.
  std::optional<Seconds> duration(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (auto v = n->value_exact<std::int64_t>()) {
      if (*v > 0 && *v <= 86400 * 366) return Seconds{*v};
    } else if (auto s = n->value_exact<std::string>()) {
      if (auto d = parse_duration(*s); d && d->count() > 0) return d;
    } else {
      wrong_type(*n, key, "khoảng thời gian, ví dụ \"30s\"");
      return std::nullopt;
    }
    reporter_.error(n->source(), "khoảng thời gian của '" + std::string(key) + "' trong " +
                                     context_ +
                                     " không hợp lệ: viết một số dương và đơn vị s (giây), m "
                                     "(phút), h (giờ) hoặc d (ngày), ví dụ \"30s\"");
    return std::nullopt;
  }

  void wrong_type(const toml::node& n, std::string_view key, std::string_view expected) {
    reporter_.error(n.source(), "'" + std::string(key) + "' trong " + context_ + " phải là " +
                                    std::string(expected) + ", không phải " +
                                    std::string(type_name(n.type())));
  }

  /// Reports every key that no reader asked for.
  void finish() {
    for (auto&& [key, value] : table_) {
      if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) continue;
      std::string message =
          "deadlined không dùng khóa '" + std::string(key.str()) + "' trong " + context_;
      std::vector<std::string_view> candidates(known_.begin(), known_.end());
      if (auto best = closest(key.str(), candidates, 2)) message += "; có phải là '" + *best + "'?";
      reporter_.error(key.source().begin.line ? key.source() : value.source(), message);
    }
  }

 private:
  const toml::table& table_;
  std::string context_;
  Reporter& reporter_;
  std::vector<std::string> known_;  // a few short keys: a vector beats a set's nodes
};

/// The text of a file, refusing directories, binary files and files over 16 MiB.
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& error);

/// `path` if absolute, else `base / path` (just `path` when base is empty, as for "main.toml").
std::filesystem::path resolve_against(const std::filesystem::path& base,
                                      const std::filesystem::path& path);

/// Reads a secret from a file, an environment variable or a systemd credential, named by
/// `<prefix>_file`, `<prefix>_env` or `<prefix>_credential`.
Secret read_secret(TableReader& reader, const std::string& prefix,
                   const std::filesystem::path& base_dir);

/// Files in the order they were read, and within a file by position.
std::vector<Diagnostic> in_reading_order(std::vector<Diagnostic> diagnostics);

/// Parses a TOML file, reporting an unreadable file or a syntax error.
std::optional<toml::table> parse_file(const std::filesystem::path& path,
                                      std::vector<Diagnostic>& diagnostics);

LocalDays to_local_days(const toml::date& d);
Seconds to_seconds(const toml::time& t);

}  // namespace deadlined::config::detail
