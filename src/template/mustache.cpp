#include "template/mustache.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <memory>
#include <unordered_map>

namespace deadlined::templating {
namespace detail {
/// Written by cmake/embed_templates.cmake from templates/*.mustache, sorted by name.
extern const std::pair<std::string_view, std::string_view> k_shipped[];
extern const std::size_t k_shipped_count;
}  // namespace detail

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/// kainjow's message ("Unclosed section \"x\" at 12") as a Problem in Vietnamese.
Problem from_parser(const std::string& message) {
  Problem p;
  auto at = message.rfind(" at ");
  if (at != std::string::npos) p.offset = std::strtoul(message.c_str() + at + 4, nullptr, 10);
  auto quoted = [&] {
    auto a = message.find('"');
    auto b = a == std::string::npos ? a : message.find('"', a + 1);
    return b == std::string::npos ? std::string() : message.substr(a + 1, b - a - 1);
  };
  if (message.rfind("Unclosed tag", 0) == 0) {
    p.message = "thẻ mở '{{' không có '}}' đóng";
  } else if (message.rfind("Unclosed section", 0) == 0) {
    std::string n = quoted();
    p.message = "mục '{{#" + n + "}}' chưa được đóng bằng '{{/" + n + "}}'";
  } else if (message.rfind("Unopened section", 0) == 0) {
    std::string n = quoted();
    p.message = "thẻ đóng '{{/" + n + "}}' không có thẻ mở '{{#" + n + "}}' tương ứng";
  } else {
    p.message = "mẫu không hợp lệ (" + message + ")";
  }
  return p;
}

/// The names of the tags of a source kainjow has accepted, with the default delimiters.
std::variant<std::vector<Name>, Problem> scan(std::string_view source) {
  std::vector<Name> names;
  std::size_t pos = 0;
  while ((pos = source.find("{{", pos)) != std::string_view::npos) {
    std::size_t start = pos;
    bool triple = source.substr(pos, 3) == "{{{";
    std::size_t open = pos + (triple ? 3 : 2);
    std::size_t close = source.find(triple ? "}}}" : "}}", open);
    if (close == std::string_view::npos) return Problem{start, "thẻ mở '{{' không có '}}' đóng"};
    std::string_view inner = trim(source.substr(open, close - open));
    pos = close + (triple ? 3 : 2);
    char sigil = (!triple && !inner.empty()) ? inner.front() : '\0';
    if (sigil == '!') continue;  // a comment
    if (sigil == '>') return Problem{start, "mẫu con ('{{>…}}') không được hỗ trợ"};
    if (sigil == '=') return Problem{start, "không được đổi dấu phân cách ('{{=…=}}')"};
    if (sigil == '/') continue;  // the close of a section named at its open
    if (sigil == '#' || sigil == '^' || sigil == '&') inner = trim(inner.substr(1));
    if (inner.empty()) return Problem{start, "thẻ '{{}}' không có tên biến"};
    names.push_back({std::string(inner), start});
  }
  return names;
}

/// A character no template writes (a C0 control), marking the end of a line for render().
constexpr char k_mark = '\x01';

/// `source` without its standalone lines (mustache spec, "Standalone Lines"): a line that
/// holds nothing but one section, inverted section, section close or comment tag, and blanks,
/// is removed with its line break, whether the section is written or not. kainjow keeps the
/// line break of a section it skips and the line of a comment; this is done before it reads
/// the source, so that a template writes what the spec says.
std::string without_standalone_lines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  std::size_t line = 0;  // start of the current line in `source`
  while (line < source.size()) {
    std::size_t end = source.find('\n', line);
    std::size_t next = end == std::string_view::npos ? source.size() : end + 1;
    std::string_view text =
        source.substr(line, (end == std::string_view::npos ? next : end) - line);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    std::string_view inner = trim(text);
    if (inner.substr(0, 3) == "{{!" && inner.find("}}") == std::string_view::npos) {
      // A comment over several lines: standalone when only blanks follow its close.
      std::size_t open = line + static_cast<std::size_t>(inner.data() - text.data());
      std::size_t close = source.find("}}", open);
      if (close != std::string_view::npos) {
        std::size_t after = source.find('\n', close);
        std::size_t stop = after == std::string_view::npos ? source.size() : after;
        if (trim(source.substr(close + 2, stop - close - 2)).empty()) {
          out += source.substr(open, close + 2 - open);
          line = after == std::string_view::npos ? source.size() : after + 1;
          continue;
        }
      }
    }
    bool standalone = false;
    if (inner.size() >= 5 && inner.substr(0, 2) == "{{" && inner.substr(inner.size() - 2) == "}}" &&
        inner.find("{{", 2) == std::string_view::npos && inner.substr(0, 3) != "{{{") {
      char sigil = trim(inner.substr(2)).front();
      standalone = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
    }
    if (standalone) {
      out += inner;  // the tag alone: no blanks, no line break
    } else {
      out += source.substr(line, next - line);
    }
    line = next;
  }
  // kainjow drops a line whose output is blank when it held a section tag: also a blank line
  // the spec keeps, such as the one after a standalone tag removed above. A mark at the end of
  // every line with a tag makes no such line blank; render() takes the marks out.
  std::string marked;
  marked.reserve(out.size() + out.size() / 16);
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    std::size_t stop = end == std::string::npos ? out.size() : end;
    std::string_view text(out.data() + start, stop - start);
    marked += text;
    if (text.find("{{") != std::string_view::npos) marked += k_mark;
    if (end == std::string::npos) break;
    marked += '\n';
    start = end + 1;
  }
  return marked;
}

std::string hex2(unsigned char c) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02X", c);
  return buf;
}

}  // namespace

Escape escape_for(std::string_view content_type) {
  std::string lower(content_type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("json") != std::string::npos) return Escape::json;
  if (lower.find("x-www-form-urlencoded") != std::string::npos) return Escape::url;
  if (lower.find("html") != std::string::npos || lower.find("xml") != std::string::npos)
    return Escape::html;
  return Escape::none;
}

std::string escape_json(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00" + hex2(c);
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string escape_url(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%' + hex2(c);
    }
  }
  return out;
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

LineCol line_col(std::string_view source, std::size_t offset) {
  LineCol at;
  offset = std::min(offset, source.size());
  for (std::size_t i = 0; i < offset; ++i) {
    auto c = static_cast<unsigned char>(source[i]);
    if (c == '\n') {
      ++at.line;
      at.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++at.column;
    }
  }
  return at;
}

std::variant<Template, Problem> Template::compile(std::string source) {
  kainjow::mustache::mustache parsed{source};
  if (!parsed.is_valid()) return from_parser(parsed.error_message());
  auto names = scan(source);
  if (auto* problem = std::get_if<Problem>(&names)) return *problem;
  static std::atomic<std::uint64_t> next_id{1};
  Template t;
  t.id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  t.rendered_ = without_standalone_lines(source);
  t.source_ = std::move(source);
  t.names_ = std::move(std::get<std::vector<Name>>(names));
  return t;
}

std::optional<Problem> Template::unknown_name(const std::vector<std::string_view>& known) const {
  for (const Name& n : names_) {
    if (std::find(known.begin(), known.end(), n.name) != known.end()) continue;
    std::string list;
    for (std::string_view k : known)
      list.append(list.empty() ? "" : ", ").append(k);
    return Problem{n.offset,
                   "biến '" + n.name + "' không có trong mẫu này; các biến dùng được: " + list};
  }
  return std::nullopt;
}

namespace {

kainjow::mustache::data data_of(const Variables& values) {
  kainjow::mustache::data data;
  for (const auto& [name, value] : values) {
    if (value.empty()) {
      data.set(name, kainjow::mustache::data(false));
    } else {
      data.set(name, value);
    }
  }
  return data;
}

}  // namespace

std::string Template::render(const Variables& values, Escape escape, const Lists& lists) const {
  // kainjow's parse costs more than its render (a reminder's five templates took 150 µs
  // a message parsed each time): each thread keeps the parsed templates it renders, by id
  // (copies of a Template share it). kainjow's render is not const, so nothing is shared
  // between threads. A reload makes new ids; the cache is dropped when it grows past a bound.
  constexpr std::size_t k_cached = 256;
  thread_local std::unordered_map<std::uint64_t, std::unique_ptr<kainjow::mustache::mustache>>
      parsed;
  auto it = parsed.find(id_);
  if (it == parsed.end()) {
    if (parsed.size() >= k_cached) parsed.clear();
    it = parsed.emplace(id_, std::make_unique<kainjow::mustache::mustache>(rendered_)).first;
  }
  kainjow::mustache::mustache& tmpl = *it->second;
  switch (escape) {
    case Escape::none:
      tmpl.set_custom_escape([](const std::string& s) { return s; });
      break;
    case Escape::json:
      tmpl.set_custom_escape([](const std::string& s) { return escape_json(s); });
      break;
    case Escape::url:
      tmpl.set_custom_escape([](const std::string& s) { return escape_url(s); });
      break;
    case Escape::html:
      tmpl.set_custom_escape([](const std::string& s) { return escape_html(s); });
      break;
  }
  kainjow::mustache::data data = data_of(values);
  for (const auto& [name, items] : lists) {
    // An empty list is false, as an empty value is.
    kainjow::mustache::data list{kainjow::mustache::data::type::list};
    for (const Variables& item : items)
      list.push_back(data_of(item));
    data.set(name, items.empty() ? kainjow::mustache::data(false) : std::move(list));
  }
  std::string out = tmpl.render(data);
  std::erase(out, k_mark);
  return out;
}

std::optional<std::string_view> shipped(std::string_view file_name) {
  const auto* end = detail::k_shipped + detail::k_shipped_count;
  const auto* it =
      std::lower_bound(detail::k_shipped, end, file_name,
                       [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == end || it->first != file_name) return std::nullopt;
  return it->second;
}

std::vector<std::string_view> shipped_names() {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < detail::k_shipped_count; ++i)
    names.push_back(detail::k_shipped[i].first);
  return names;
}

}  // namespace deadlined::templating
