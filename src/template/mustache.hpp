#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// Mustache templates (kainjow::mustache, logic-less): what an Office can read and change.
/// Webhook bodies, headers and queries, and the message texts, are rendered through this one
/// module. Pure; a Template is immutable and may be rendered from any thread.
namespace deadlined::templating {

/// How a `{{name}}` value is written into the output (`{{{name}}}` and `{{&name}}` are never
/// escaped): for the content type the output is.
enum class Escape {
  none,  ///< plain text, headers
  json,  ///< inside a JSON string literal: RFC 8259 string escaping
  url,   ///< a query or form value: percent-encoding (RFC 3986 unreserved kept)
  html,  ///< HTML text and attribute values
};

/// The escape of a body of `content_type` ("application/json; charset=utf-8" → json).
Escape escape_for(std::string_view content_type);

std::string escape_json(std::string_view text);
std::string escape_url(std::string_view text);
std::string escape_html(std::string_view text);

/// The values a template sees, by name. An empty value is false in a section, so
/// `{{#calendar_link}}…{{/calendar_link}}` is written only when there is a link.
using Variables = std::map<std::string, std::string, std::less<>>;
/// Lists a section repeats, by name: `{{#tasks}}…{{/tasks}}` once per item, whose names come
/// before the outer ones.
using Lists = std::map<std::string, std::vector<Variables>, std::less<>>;

/// A problem in a template's source, at `offset` (bytes from its start).
struct Problem {
  std::size_t offset = 0;
  std::string message;  ///< in Vietnamese, for `check`
};

/// 1-based line and column (in characters) of `offset` in `source`.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol line_col(std::string_view source, std::size_t offset);

/// A name a template uses, as a variable or a section, where it is.
struct Name {
  std::string name;
  std::size_t offset = 0;
};

class Template {
 public:
  /// Parses `source`: a syntax error, a partial (`{{> x}}`) or a change of delimiters
  /// (`{{=<% %>=}}`) is a Problem.
  static std::variant<Template, Problem> compile(std::string source);

  const std::string& source() const { return source_; }
  /// Every variable and section name, in order of appearance.
  const std::vector<Name>& names() const { return names_; }
  /// The first name not in `known`, as a Problem that lists what is known.
  std::optional<Problem> unknown_name(const std::vector<std::string_view>& known) const;

  std::string render(const Variables& values, Escape escape, const Lists& lists = {}) const;

 private:
  Template() = default;
  std::string source_;
  std::string rendered_;  ///< source_ without its standalone lines, as kainjow reads it
  std::uint64_t id_ = 0;  ///< of this compile, shared by copies: the key of the parse cache
  std::vector<Name> names_;
};

/// The message templates shipped with deadlined (`templates/*.mustache`, compiled in), by
/// file name ("reminder.short.mustache"); none for an unknown name.
std::optional<std::string_view> shipped(std::string_view file_name);
/// Their file names, sorted.
std::vector<std::string_view> shipped_names();

}  // namespace deadlined::templating
