#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "template/mustache.hpp"

/// The message texts as templates: one file per kind and part ("reminder.subject.mustache",
/// "digest.text.mustache"), shipped in templates/ and compiled in, each of which an Office may
/// override from `[service] templates`. Pure.
namespace deadlined::templating {

/// One message template file deadlined reads: its name, the names it sees and how its
/// values are escaped.
struct TextFile {
  std::string_view name;   ///< "reminder.text.mustache"
  std::string_view about;  ///< in Vietnamese, for `check`: what the file writes
  const std::vector<std::string_view>* names = nullptr;
  Escape escape = Escape::none;
  /// A single line (a subject, a short text): the rendered text's line breaks become spaces
  /// and its ends are trimmed.
  bool one_line = false;
};

/// Every message template file, in the order a reader learns them.
const std::vector<TextFile>& text_files();
/// The file named `name`; none when deadlined reads no such file.
const TextFile* text_file(std::string_view name);

/// What the letter of a reminder, an overdue notice, an escalation or a decision on an
/// extension sees besides reminder facts: the phrases its text is made of, each true when
/// the message goes out (message::variables_of gives the values).
const std::vector<std::string_view>& letter_names();

/// The names every template of a reminder sees (webhook bodies, headers and queries, the
/// HTML part; message::variables_of gives their values): `id` (dot-free, stable), `key`,
/// `type`, `unit`, `unit_name`, `person_name`, `office_name`, `task_title`, `plan_number`,
/// `plan_title`, `due` (ISO 8601), `due_date` (dd/mm/yyyy), `due_time` (HH:MM),
/// `stage_label`, `overdue_days`, `link` (confirmation), `calendar_link`, `subject`, `text`,
/// `short_text`, `text_html` (the text as HTML paragraphs), the kinds as sections
/// (`is_reminder`, `is_overdue`, `is_escalation`, `is_extension`, `is_late`), and the
/// letter_names.
const std::vector<std::string_view>& reminder_names();
/// The same without `short_text` and `text_html`: what the short text's own template sees.
const std::vector<std::string_view>& short_text_names();

/// The message templates in force: the shipped ones, some replaced by an Office's. Immutable.
class Texts {
 public:
  /// The shipped templates alone (compiled once).
  static std::shared_ptr<const Texts> shipped();
  /// The shipped templates, with `overrides` (by file name, each a text_file) in their place.
  static std::shared_ptr<const Texts> with(std::map<std::string, Template, std::less<>> overrides);

  /// The template of `file` (a text_files() name).
  const Template& get(std::string_view file) const;
  /// Whether an Office's file replaces the shipped one.
  bool overridden(std::string_view file) const { return overridden_.count(file) != 0; }
  /// The files an Office's replace, sorted.
  std::vector<std::string> overridden_files() const;

  /// `file` rendered with `values` and `lists`, escaped as the file says (a one-line file as
  /// one line).
  std::string render(std::string_view file, const Variables& values, const Lists& lists = {}) const;

 private:
  std::map<std::string, Template, std::less<>> templates_;
  std::map<std::string, bool, std::less<>> overridden_;
};

}  // namespace deadlined::templating
