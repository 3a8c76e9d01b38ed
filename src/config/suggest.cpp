#include "config/suggest.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "config/toml_reader.hpp"
#include "util/utf8.hpp"

namespace deadlined::config::detail {
namespace {

/// The Vietnamese letters with diacritics, by the ASCII letter they fold to. A table rather
/// than ICU's "Latin-ASCII" transliterator: ids are ASCII and only Vietnamese is written
/// here, so 134 letters and đ are the whole job, with no library to load rule data.
constexpr std::array<std::pair<char, std::string_view>, 14> k_letters = {{
    {'a', "àáảãạăằắẳẵặâầấẩẫậ"},
    {'A', "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
    {'e', "èéẻẽẹêềếểễệ"},
    {'E', "ÈÉẺẼẸÊỀẾỂỄỆ"},
    {'i', "ìíỉĩị"},
    {'I', "ÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợ"},
    {'O', "ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
    {'u', "ùúủũụưừứửữự"},
    {'U', "ÙÚỦŨỤƯỪỨỬỮỰ"},
    {'y', "ỳýỷỹỵ"},
    {'Y', "ỲÝỶỸỴ"},
    {'d', "đ"},
    {'D', "Đ"},
}};

/// Whether `c` (one UTF-8 sequence) is a combining mark (U+0300 to U+036F): the accents of
/// decomposed text.
bool is_combining_mark(std::string_view c) {
  if (c.size() != 2) return false;
  auto a = static_cast<unsigned char>(c[0]), b = static_cast<unsigned char>(c[1]);
  return (a == 0xcc && b >= 0x80) || (a == 0xcd && b <= 0xaf);
}

std::string_view line_of(std::string_view text, std::uint32_t line) {
  for (std::uint32_t n = 1; n < line; ++n) {
    auto newline = text.find('\n');
    if (newline == std::string_view::npos) return {};
    text.remove_prefix(newline + 1);
  }
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

/// The bytes of `line` from its `column`-th character (1-based) on.
std::string_view from_column(std::string_view line, std::uint32_t column) {
  auto chars = util::utf8_characters(line);
  if (column == 0 || column > chars.size()) return {};
  return line.substr(static_cast<std::size_t>(chars[column - 1].data() - line.data()));
}

constexpr std::array<std::string_view, 5> k_curly_quotes = {"“", "”", "„", "‘", "’"};

bool starts_with_curly_quote(std::string_view s) {
  return std::any_of(k_curly_quotes.begin(), k_curly_quotes.end(),
                     [&](std::string_view q) { return s.substr(0, q.size()) == q; });
}

std::string straighten_quotes(std::string_view s) {
  std::string out;
  for (std::string_view c : util::utf8_characters(s)) {
    if (c == "“" || c == "”" || c == "„")
      out += '"';
    else if (c == "‘" || c == "’")
      out += '\'';
    else
      out += c;
  }
  return out;
}

/// The value written after `key =` on `line`, without a trailing comment; empty if none.
std::string_view value_of(std::string_view line, std::string_view& key) {
  auto equals = line.find('=');
  if (equals == std::string_view::npos) return {};
  key = line.substr(0, equals);
  std::string_view value = line.substr(equals + 1);
  value = value.substr(0, value.find('#'));
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
    key.remove_suffix(1);
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t'))
    key.remove_prefix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  return value;
}

/// Three numbers separated by '/', '-' or '.': a date written as people write it.
std::optional<std::string> iso_date_from(std::string_view value) {
  std::vector<std::string_view> parts;
  char separator = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i < value.size() && value[i] >= '0' && value[i] <= '9') continue;
    if (i < value.size()) {
      if (value[i] != '/' && value[i] != '-' && value[i] != '.') return std::nullopt;
      if (separator && value[i] != separator) return std::nullopt;
      separator = value[i];
    }
    if (i == start || i - start > 4) return std::nullopt;
    parts.push_back(value.substr(start, i - start));
    start = i + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  auto number = [](std::string_view s) { return std::stoi(std::string(s)); };
  std::string_view year = parts[2], month = parts[1], day = parts[0];
  if (parts[0].size() == 4) year = parts[0], month = parts[1], day = parts[2];
  if (year.size() != 4 || month.size() > 2 || day.size() > 2) return std::nullopt;
  int m = number(month), d = number(day);
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  auto two = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  return std::string(year) + "-" + two(m) + "-" + two(d);
}

/// The line with its table header or key written as an id, when it has diacritics.
std::string with_ascii_name(std::string_view line) {
  std::string_view trimmed = line.substr(std::min(line.find_first_not_of(" \t"), line.size()));
  if (!trimmed.empty() && trimmed.front() == '[') {
    auto close = trimmed.rfind(']');
    std::string_view header =
        trimmed.substr(0, close == std::string_view::npos ? trimmed.size() : close + 1);
    std::string out = id_from(header);
    if (close == std::string_view::npos) out += ']';
    return out;
  }
  std::string_view key;
  std::string_view value = value_of(trimmed, key);
  if (key.empty()) return id_from(trimmed);
  return id_from(key) + " = " + std::string(value);
}

/// The name quoted in a toml++ description ("cannot redefine existing table 'units.a'").
std::string quoted_name(std::string_view description) {
  auto open = description.find('\'');
  auto close = description.rfind('\'');
  if (open == std::string_view::npos || close <= open) return {};
  return std::string(description.substr(open + 1, close - open - 1));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// `value` with each bare lead or duration ("7d", "3wd", "30s") in quotes; none if it has none.
std::optional<std::string> with_quoted_leads(std::string_view value) {
  std::string out;
  bool any = false;
  for (std::size_t i = 0; i < value.size();) {
    char c = value[i];
    if (c == '"' || c == '\'') {
      std::size_t end = std::min(value.find(c, i + 1), value.size() - 1);
      out += value.substr(i, end - i + 1);
      i = end + 1;
      continue;
    }
    if (!is_digit(c) || (i > 0 && is_alnum(value[i - 1]))) {
      out += c;
      ++i;
      continue;
    }
    std::size_t unit = i;
    while (unit < value.size() && is_digit(value[unit]))
      ++unit;
    std::size_t end = unit;
    while (end < value.size() && value[end] >= 'a' && value[end] <= 'z')
      ++end;
    std::string_view suffix = value.substr(unit, end - unit);
    bool lead = suffix == "d" || suffix == "wd" || suffix == "h" || suffix == "m" || suffix == "s";
    if (lead && (end == value.size() || !is_alnum(value[end]))) {
      out += '"' + std::string(value.substr(i, end - i)) + '"';
      any = true;
    } else {
      out += value.substr(i, end - i);
    }
    i = end;
  }
  if (!any) return std::nullopt;
  return out;
}

/// true or false for a word people write for them ("yes", "True", "có", "không"); none else.
std::optional<std::string_view> boolean_meant(std::string_view value) {
  std::string word;
  for (char c : fold_diacritics(value))
    word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::string_view yes : {"true", "yes", "on", "co", "dung"}) {
    if (word == yes) return "true";
  }
  for (std::string_view no : {"false", "no", "off", "khong", "sai"}) {
    if (word == no) return "false";
  }
  return std::nullopt;
}

/// Whether `value` is a time of day written as people write it: 8:00, 08:00, 8:00:00.
bool looks_like_time(std::string_view value) {
  auto colon = value.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > 2) return false;
  std::string_view rest = value.substr(colon + 1);
  bool digits = std::all_of(value.begin(), value.begin() + static_cast<long>(colon), is_digit);
  return digits && (rest.size() == 2 || (rest.size() == 5 && rest[2] == ':')) &&
         std::all_of(rest.begin(), rest.end(), [](char c) { return is_digit(c) || c == ':'; });
}

}  // namespace

std::string fold_diacritics(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::string_view c : util::utf8_characters(text)) {
    if (c.size() == 1) {
      out += c;
      continue;
    }
    if (is_combining_mark(c)) continue;
    auto entry = std::find_if(k_letters.begin(), k_letters.end(), [&](const auto& letter) {
      return letter.second.find(c) != std::string_view::npos;
    });
    if (entry != k_letters.end())
      out += entry->first;
    else
      out += c;
  }
  return out;
}

std::string id_from(std::string_view text) {
  std::string out = fold_diacritics(text);
  std::replace(out.begin(), out.end(), ' ', '-');
  return out;
}

std::optional<std::string> closest(std::string_view written,
                                   const std::vector<std::string_view>& candidates,
                                   std::optional<std::size_t> limit) {
  std::string folded = fold_diacritics(written);
  // A third of the length: "vpp" finds "vp", but "x" does not find "a".
  std::size_t most = limit ? *limit : folded.size() / 3;
  std::optional<std::string> best;
  std::size_t best_distance = most + 1;
  for (std::string_view candidate : candidates) {
    if (candidate == written) continue;
    std::size_t d = edit_distance(folded, candidate);
    if (d < best_distance) best_distance = d, best = std::string(candidate);
  }
  return best;
}

std::string did_you_mean(std::string_view written,
                         const std::vector<std::string_view>& candidates) {
  auto best = closest(written, candidates);
  return best ? "; có phải là '" + *best + "'?" : std::string();
}

std::string explain_syntax_error(std::string_view description, std::string_view text,
                                 std::uint32_t line, std::uint32_t column) {
  std::string_view source = line_of(text, line);
  std::string_view at = from_column(source, column);
  std::string_view key;
  std::string_view value = value_of(source, key);
  auto says = [&](std::string_view words) {
    return description.find(words) != std::string_view::npos;
  };

  if (auto date = iso_date_from(value); date && value != *date) {
    return "ngày '" + std::string(value) +
           "' phải viết theo thứ tự năm-tháng-ngày và không đặt trong dấu ngoặc kép: " +
           (key.empty() ? *date : std::string(key) + " = " + *date);
  }
  if (starts_with_curly_quote(at) ||
      (says("could not determine value type") && starts_with_curly_quote(value))) {
    return "giá trị đặt trong dấu ngoặc kép cong (“ ”, thường do Word tự đổi); dùng dấu "
           "ngoặc kép thẳng \": " +
           straighten_quotes(
               source.substr(std::min(source.find_first_not_of(" \t"), source.size())));
  }
  bool open_string = says("parsing string") || says("parsing literal string");
  if (open_string && (at.empty() || says("end-of-file"))) {
    char quote = says("literal string") ? '\'' : '"';
    return std::string("chuỗi chưa được đóng trên dòng này: thiếu dấu ngoặc kép ") + quote +
           " ở cuối giá trị; một chuỗi phải mở và đóng trên cùng một dòng (văn bản nhiều "
           "dòng viết trong \"\"\" … \"\"\")";
  }
  if (!at.empty() && static_cast<unsigned char>(at.front()) >= 0x80 &&
      (says("table header") || says("key-value pair") || says("bare key"))) {
    return "mã và tên khóa chỉ viết bằng chữ cái không dấu, chữ số, '-' và '_': viết " +
           with_ascii_name(source);
  }
  if (says("cannot redefine existing table")) {
    return "bảng [" + quoted_name(description) +
           "] đã được khai báo ở trên; mỗi bảng chỉ khai báo một lần (ghi các khóa vào bảng đã "
           "có)";
  }
  if (says("cannot redefine existing")) {
    return "khóa '" + quoted_name(description) +
           "' đã được ghi ở trên trong cùng bảng; mỗi khóa chỉ được ghi một lần";
  }
  std::string written_key = key.empty() ? std::string() : std::string(key) + " = ";
  if (!key.empty()) {
    if (auto meant = boolean_meant(value)) {
      return "giá trị đúng/sai viết true hoặc false, bằng chữ thường và không đặt trong dấu "
             "ngoặc kép: " +
             written_key + std::string(*meant);
    }
    if (looks_like_time(value)) {
      return "giờ phải đặt trong dấu ngoặc kép: " + written_key + "\"" + std::string(value) + "\"";
    }
    if (auto quoted = with_quoted_leads(value)) {
      return "thời hạn như \"7d\", \"3wd\", \"30s\" phải đặt trong dấu ngoặc kép: " + written_key +
             *quoted;
    }
  }
  auto first = value.empty() ? 0 : static_cast<unsigned char>(value.front());
  bool letter = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first >= 0x80;
  if (says("could not determine value type") && letter && !key.empty()) {
    return "văn bản phải đặt trong dấu ngoặc kép thẳng \": " + written_key + "\"" +
           std::string(value) + "\"";
  }
  if (says("expected '='")) {
    return "thiếu dấu '=' giữa tên khóa và giá trị (tên khóa không có khoảng trắng), ví dụ "
           "title = \"Báo cáo\"";
  }
  if (says("expected comma or closing ']'")) {
    return "các phần tử của mảng phải cách nhau bằng dấu phẩy, ví dụ [\"a\", \"b\"]";
  }
  if (says("table header") && says("expected ']'") && at.empty()) {
    return "tên bảng thiếu dấu ']' ở cuối: viết " + with_ascii_name(source);
  }
  return "cú pháp TOML không hợp lệ (" + std::string(description) + ")";
}

}  // namespace deadlined::config::detail
