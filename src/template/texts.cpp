#include "template/texts.hpp"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace deadlined::templating {
namespace {

using Names = std::vector<std::string_view>;

Names join(std::initializer_list<const Names*> parts, std::initializer_list<std::string_view> more,
           std::initializer_list<std::string_view> without = {}) {
  Names out;
  for (const Names* p : parts)
    out.insert(out.end(), p->begin(), p->end());
  out.insert(out.end(), more.begin(), more.end());
  std::erase_if(out, [&](std::string_view n) {
    return std::find(without.begin(), without.end(), n) != without.end();
  });
  return out;
}

/// The facts of a reminder, as webhook payloads have carried them.
const Names& fact_names() {
  static const Names names{
      "id",           "key",         "type",          "unit",         "unit_name",  "person_name",
      "person_title", "office_name", "task_title",    "plan_number",  "plan_title", "due",
      "due_date",     "due_time",    "stage_label",   "overdue_days", "link",       "calendar_link",
      "is_reminder",  "is_overdue",  "is_escalation", "is_extension", "is_late"};
  return names;
}

// What each file sees: a subject sees neither itself nor the text; a text sees the subject.
// Function-local statics: another translation unit may ask before this one is initialised.
const Names& subject_names() {
  static const Names n = join({&fact_names(), &letter_names()}, {});
  return n;
}
const Names& text_names() {
  static const Names n = join({&subject_names()}, {"subject"});
  return n;
}
const Names& letter_frame_names() {
  static const Names n = join({&text_names()}, {"body"});
  return n;
}
const Names& bundle_subject_names() {
  static const Names n{
      "count",   "overdue_count", "is_all_overdue", "is_some_overdue",      "is_all_escalations",
      "is_late", "due_date",      "due_time",       "is_several_deadlines", "addressee_name",
      "sender",  "office_name",   "unit_name"};
  return n;
}
const Names& bundle_text_names() {
  static const Names n = join({&bundle_subject_names()}, {"subject", "items", "number", "body"});
  return n;
}
const Names& digest_subject_names() {
  static const Names n{"office_name",   "date",          "time",           "task_count",
                       "overdue_count", "pending_count", "confirmed_count"};
  return n;
}
const Names& digest_text_names() {
  static const Names n = join(
      {&digest_subject_names()},
      {"subject", "tasks", "is_new_plan", "plan_index", "plan_title", "plan_number", "task_title",
       "due_date", "due_time", "task_confirmed", "task_units", "task_overdue_days", "overdue_names",
       "extended_overdue_names", "waiting_names", "confirmed_names"});
  return n;
}
const Names& failure_subject_names() {
  static const Names n{"office_name",  "address", "unit",        "unit_name", "channel",
                       "reminder_key", "reason",  "is_disabled", "date",      "time"};
  return n;
}
const Names& failure_text_names() {
  static const Names n = join({&failure_subject_names()}, {"subject"});
  return n;
}
const Names& test_subject_names() {
  static const Names n{"unit", "unit_name", "date", "time"};
  return n;
}
const Names& test_text_names() {
  static const Names n = join({&test_subject_names()}, {"subject"});
  return n;
}

}  // namespace

const Names& letter_names() {
  static const Names names{
      "addressee_name", "report_to",          "plan_reference",    "plan_basis",
      "task_detail",    "deadline_text",      "time_left",         "overdue_text",
      "late_at",        "is_coordinating",    "is_lead",           "lead_name",
      "partners",       "is_office_deadline", "is_hurry",          "is_copied",
      "contact",        "is_extended",        "original_due_date", "original_due_time",
      "before_date",    "is_approved",        "asked_date",        "decision_note"};
  return names;
}

const Names& short_text_names() {
  static const Names n = join({&text_names()}, {"text"});
  return n;
}

const Names& reminder_names() {
  static const Names names = join({&short_text_names()}, {"short_text", "text_html"});
  return names;
}

const std::vector<TextFile>& text_files() {
  static const std::vector<TextFile> files{
      {"reminder.subject.mustache", "tiêu đề thư nhắc việc", &subject_names(), Escape::none, true},
      {"reminder.text.mustache", "nội dung thư nhắc việc", &text_names(), Escape::none, false},
      {"overdue.subject.mustache", "tiêu đề thư nhắc quá hạn", &subject_names(), Escape::none,
       true},
      {"overdue.text.mustache", "nội dung thư nhắc quá hạn", &text_names(), Escape::none, false},
      {"escalation.subject.mustache", "tiêu đề thư báo cáo nhiệm vụ quá hạn", &subject_names(),
       Escape::none, true},
      {"escalation.text.mustache", "nội dung thư báo cáo nhiệm vụ quá hạn", &text_names(),
       Escape::none, false},
      {"extension.subject.mustache", "tiêu đề thư thông báo kết quả xử lý đề nghị gia hạn",
       &subject_names(), Escape::none, true},
      {"extension.text.mustache", "nội dung thư thông báo kết quả xử lý đề nghị gia hạn",
       &text_names(), Escape::none, false},
      {"letter.text.mustache", "phần chung của thư (kính gửi, lịch hạn, đồng gửi, chân thư)",
       &letter_frame_names(), Escape::none, false},
      {"reminder.short.mustache", "tin nhắn ngắn (SMS; biến short_text của webhook)",
       &short_text_names(), Escape::none, true},
      {"reminder.html.mustache", "phần HTML của thư", &reminder_names(), Escape::html, false},
      {"bundle.subject.mustache", "tiêu đề thư gộp nhiều nhắc việc", &bundle_subject_names(),
       Escape::none, true},
      {"bundle.text.mustache", "nội dung thư gộp nhiều nhắc việc", &bundle_text_names(),
       Escape::none, false},
      {"digest.subject.mustache", "tiêu đề thư tổng hợp hằng ngày", &digest_subject_names(),
       Escape::none, true},
      {"digest.text.mustache", "nội dung thư tổng hợp hằng ngày", &digest_text_names(),
       Escape::none, false},
      {"failure.subject.mustache", "tiêu đề báo cáo không gửi được nhắc việc",
       &failure_subject_names(), Escape::none, true},
      {"failure.text.mustache", "nội dung báo cáo không gửi được nhắc việc", &failure_text_names(),
       Escape::none, false},
      {"test.subject.mustache", "tiêu đề thư thử nghiệm (send-test)", &test_subject_names(),
       Escape::none, true},
      {"test.text.mustache", "nội dung thư thử nghiệm (send-test)", &test_text_names(),
       Escape::none, false},
  };
  return files;
}

const TextFile* text_file(std::string_view name) {
  for (const TextFile& f : text_files()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::shared_ptr<const Texts> Texts::shipped() {
  static const std::shared_ptr<const Texts> set = [] {
    auto texts = std::make_shared<Texts>();
    for (const TextFile& f : text_files()) {
      auto source = templating::shipped(f.name);
      if (!source) throw std::logic_error("no shipped template " + std::string(f.name));
      auto compiled = Template::compile(std::string(*source));
      if (auto* problem = std::get_if<Problem>(&compiled))
        throw std::logic_error(std::string(f.name) + ": " + problem->message);
      texts->templates_.emplace(std::string(f.name), std::get<Template>(std::move(compiled)));
    }
    return std::shared_ptr<const Texts>(std::move(texts));
  }();
  return set;
}

std::shared_ptr<const Texts> Texts::with(std::map<std::string, Template, std::less<>> overrides) {
  auto texts = std::make_shared<Texts>(*shipped());
  for (auto& [name, t] : overrides) {
    texts->templates_.insert_or_assign(name, std::move(t));
    texts->overridden_[name] = true;
  }
  return texts;
}

std::vector<std::string> Texts::overridden_files() const {
  std::vector<std::string> out;
  for (const auto& [name, on] : overridden_)
    out.push_back(name);
  return out;
}

const Template& Texts::get(std::string_view file) const {
  auto it = templates_.find(file);
  if (it == templates_.end()) throw std::logic_error("no template " + std::string(file));
  return it->second;
}

std::string Texts::render(std::string_view file, const Variables& values,
                          const Lists& lists) const {
  const TextFile* f = text_file(file);
  std::string out = get(file).render(values, f ? f->escape : Escape::none, lists);
  if (!f || !f->one_line) return out;
  // A file ends with a line break; a subject or a short text is one line, whatever the
  // Office's file wraps (no header injection through a subject): each run of blanks and
  // line breaks is one space.
  std::string line;
  line.reserve(out.size());
  for (char c : out) {
    bool blank = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!blank) {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace deadlined::templating
