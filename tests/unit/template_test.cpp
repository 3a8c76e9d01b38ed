// The template module: mustache syntax, escapes, problems at their place, the names a
// template uses, and the shipped templates.
#include <catch2/catch.hpp>

#include "message/variables.hpp"
#include "template/mustache.hpp"
#include "template/texts.hpp"

using namespace deadlined;
using templating::Escape;
using templating::Template;

namespace {

Template compiled(std::string source) {
  auto t = Template::compile(std::move(source));
  REQUIRE(std::holds_alternative<Template>(t));
  return std::get<Template>(std::move(t));
}

templating::Problem problem_of(std::string source) {
  auto t = Template::compile(std::move(source));
  REQUIRE(std::holds_alternative<templating::Problem>(t));
  return std::get<templating::Problem>(t);
}

}  // namespace

TEST_CASE("a JSON body escapes its values and leaves triple mustaches raw", "[template]") {
  Template t = compiled(R"({"msg": "{{text}}", "raw": {{{data}}}})");
  templating::Variables v{{"text", "Phòng \"A\"\nxuống dòng\t\\"}, {"data", R"({"a":1})"}};
  CHECK(t.render(v, Escape::json) == R"({"msg": "Phòng \"A\"\nxuống dòng\t\\", "raw": {"a":1}})");
  CHECK(templating::escape_json(std::string("\x01", 1)) == "\\u0001");
}

TEST_CASE("url and html escapes", "[template]") {
  CHECK(templating::escape_url("Sở TN&MT 04/11") == "S%E1%BB%9F%20TN%26MT%2004%2F11");
  CHECK(templating::escape_html("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  CHECK(templating::escape_for("application/json; charset=utf-8") == Escape::json);
  CHECK(templating::escape_for("application/x-www-form-urlencoded") == Escape::url);
  CHECK(templating::escape_for("text/plain") == Escape::none);
}

TEST_CASE("an empty value is false in a section and writes nothing", "[template]") {
  Template t = compiled("a{{#link}} [{{link}}]{{/link}}{{^link}} (none){{/link}}|{{x}}|");
  CHECK(t.render({{"link", ""}, {"x", ""}}, Escape::none) == "a (none)||");
  CHECK(t.render({{"link", "http://l"}, {"x", "1"}}, Escape::none) == "a [http://l]|1|");
}

TEST_CASE("syntax errors are problems at their offset, in Vietnamese", "[template]") {
  auto unclosed = problem_of("ab\n{{#x}}c");
  CHECK(unclosed.offset == 3);
  CHECK(unclosed.message == "mục '{{#x}}' chưa được đóng bằng '{{/x}}'");
  CHECK(templating::line_col("ab\n{{#x}}c", unclosed.offset).line == 2);
  CHECK(templating::line_col("ab\n{{#x}}c", unclosed.offset).column == 1);
  auto unopened = problem_of("ab {{/y}}");
  CHECK(unopened.message.find("{{/y}}") != std::string::npos);
  CHECK(problem_of("x {{name").message == "thẻ mở '{{' không có '}}' đóng");
  CHECK(problem_of("{{> other}}").message.find("mẫu con") != std::string::npos);
  CHECK(problem_of("{{=<% %>=}}").message.find("dấu phân cách") != std::string::npos);
}

TEST_CASE("columns count characters, not bytes", "[template]") {
  CHECK(templating::line_col("Hạn {{x", 6).column == 5);  // "Hạn " is 4 characters, 6 bytes
}

TEST_CASE("names and unknown names", "[template]") {
  Template t = compiled("{{! note }}{{a}} {{{b}}} {{&c}} {{#d}}{{/d}} {{^e}}{{/e}}");
  std::vector<std::string> names;
  for (const auto& n : t.names())
    names.push_back(n.name);
  CHECK(names == std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK_FALSE(t.unknown_name({"a", "b", "c", "d", "e"}));
  auto unknown = t.unknown_name({"a", "b", "c", "e"});
  REQUIRE(unknown);
  CHECK(unknown->offset == std::string("{{! note }}{{a}} {{{b}}} {{&c}} ").size());
  CHECK(unknown->message.rfind("biến 'd' không có", 0) == 0);
}

TEST_CASE("every shipped template is a text file, compiles and uses only its kind's names",
          "[template]") {
  auto names = templating::shipped_names();
  REQUIRE_FALSE(names.empty());
  CHECK(templating::shipped("reminder.short.mustache"));
  CHECK_FALSE(templating::shipped("nothing.mustache"));
  // Each kind and part the messages are written from is shipped, and nothing else is.
  CHECK(names.size() == templating::text_files().size());
  for (std::string_view name : names) {
    INFO(name);
    const templating::TextFile* file = templating::text_file(name);
    REQUIRE(file);
    auto t = Template::compile(std::string(*templating::shipped(name)));
    REQUIRE(std::holds_alternative<Template>(t));
    auto unknown = std::get<Template>(t).unknown_name(*file->names);
    CHECK_FALSE(unknown);
  }
  for (std::string_view part : {"subject", "text"}) {
    for (std::string_view kind :
         {"reminder", "overdue", "escalation", "extension", "digest", "failure", "bundle", "test"})
      CHECK(templating::text_file(std::string(kind) + "." + std::string(part) + ".mustache"));
  }
}

TEST_CASE("a standalone section or comment line leaves no line of its own", "[template]") {
  // The mustache spec's "Standalone Lines", which kainjow keeps a line break of when a
  // section is skipped, and the line of a comment.
  Template t = compiled(
      "{{! a comment\n   over two lines }}\na\n  {{#x}}\nX {{x}}\n  "
      "{{/x}}\n{{^x}}\nnone\n{{/x}}\nb\n");
  CHECK(t.render({{"x", "1"}}, Escape::none) == "a\nX 1\nb\n");
  CHECK(t.render({{"x", ""}}, Escape::none) == "a\nnone\nb\n");
  // Not standalone: a tag with text beside it keeps its line.
  Template inline_tags = compiled("a {{#x}}X{{/x}}\nb\n");
  CHECK(inline_tags.render({{"x", ""}}, Escape::none) == "a \nb\n");
}

TEST_CASE("a list section repeats for each item, an empty list is skipped", "[template]") {
  Template t = compiled(
      "{{#items}}\n{{n}}. {{name}} ({{outer}})\n{{/items}}\n{{^items}}\nnone\n{{/items}}\n");
  templating::Lists lists{{"items", {{{"n", "1"}, {"name", "a"}}, {{"n", "2"}, {"name", "b"}}}}};
  CHECK(t.render({{"outer", "o"}}, Escape::none, lists) == "1. a (o)\n2. b (o)\n");
  CHECK(t.render({{"outer", "o"}}, Escape::none, {{"items", {}}}) == "none\n");
}

TEST_CASE("a one-line file renders as one line, its blanks and breaks one space", "[template]") {
  auto texts = templating::Texts::shipped();
  std::string subject = texts->render("failure.subject.mustache", {{"address", "a@b.example"}});
  CHECK(subject == "Không gửi được nhắc việc tới a@b.example");
  std::map<std::string, Template, std::less<>> overrides;
  overrides.emplace("test.subject.mustache", compiled("Thử\r\n  {{unit_name}}\n\nBcc: x@y\n"));
  auto changed = templating::Texts::with(std::move(overrides));
  CHECK(changed->overridden("test.subject.mustache"));
  CHECK_FALSE(changed->overridden("test.text.mustache"));
  CHECK(changed->render("test.subject.mustache", {{"unit_name", "Phòng A"}}) ==
        "Thử Phòng A Bcc: x@y");
  // The shipped set is not changed by an override.
  CHECK(texts->render("test.subject.mustache", {{"unit_name", "Phòng A"}}) ==
        "[Thử nghiệm] Kiểm tra kênh nhận nhắc việc của Phòng A");
}
