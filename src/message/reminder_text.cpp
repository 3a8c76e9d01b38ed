// What a unit (or a leadership unit) reads in a reminder, an overdue notice or an
// escalation: the subject, the stage's name and the body, all as of the send time.
#include <algorithm>
#include <optional>

#include "config/lead.hpp"
#include "message/document.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "message/variables.hpp"

namespace deadlined::message {
namespace {

using config::Config;
using schedule::Reminder;

date::local_days local_day(const Config& config, config::SysSeconds instant) {
  return date::floor<date::days>(config.service.zone->to_local(instant));
}

/// "2 giờ 30 phút", "45 phút".
std::string hours_minutes(std::chrono::seconds left) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(left);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(left - hours);
  std::string out;
  if (hours.count() > 0) out += std::to_string(hours.count()) + " giờ";
  if (minutes.count() > 0 || hours.count() == 0)
    out += (out.empty() ? "" : " ") + std::to_string(minutes.count()) + " phút";
  return out;
}

bool exact_stage(const Reminder& r) {
  auto lead = config::parse_lead(std::string(schedule::split_stage(r.stage).stage));
  return lead && lead->kind == config::Lead::Kind::exact;
}

/// The time left at `now`, when the message goes out: "hạn trong ngày hôm nay" (with the
/// hours left for an exact lead such as "2h", or when fewer than 4 are left), "hạn vào ngày mai",
/// "còn 3 ngày làm việc" or "còn 7 ngày, trong đó 5 ngày làm việc".
std::string time_left(const Config& config, const Reminder& r, config::SysSeconds now) {
  if (r.due <= now) return "đã quá hạn";
  auto today = local_day(config, now);
  auto due_day = local_day(config, r.due);
  if (due_day - today <= date::days{1}) {
    std::string out = today == due_day ? "hạn trong ngày hôm nay" : "hạn vào ngày mai";
    // The hours left only when they are few, or the stage itself is in hours ("2h"): at
    // 08:00, "còn 9 giờ" says no more than "today".
    if (exact_stage(r) || r.due - now < std::chrono::hours{4})
      out += ", còn " + hours_minutes(r.due - now);
    return out;
  }
  long days = (due_day - today).count();
  long working = config.calendar->working_days_after(today, due_day);
  if (working == days) return "còn " + std::to_string(days) + " ngày làm việc";
  return "còn " + std::to_string(days) + " ngày, trong đó " + std::to_string(working) +
         " ngày làm việc";
}

/// "đã quá hạn 3 ngày làm việc", or "đã quá hạn" on the day of the deadline itself.
std::string overdue_text(const Config& config, const Reminder& r, config::SysSeconds now) {
  int days = overdue_days_at(config, r, now);
  if (days <= 0) return "đã quá hạn";
  return "đã quá hạn " + std::to_string(days) + " ngày làm việc";
}

/// The last calls: one working day or less before the deadline, the due day, and after it.
/// Only these ask the unit to hurry ("khẩn trương").
bool last_call(const Config& config, const Reminder& r, config::SysSeconds now) {
  if (r.kind != Reminder::Kind::reminder || r.due <= now) return true;
  return config.calendar->working_days_after(local_day(config, now), local_day(config, r.due)) <= 1;
}

std::string names_of(const Config& config, const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const config::Unit* unit = config.find_unit(ids[i]);
    std::string name = unit ? unit->name : ids[i];
    out += (i == 0 ? "" : i + 1 == ids.size() ? " và " : ", ") + name;
  }
  return out;
}

/// The unit that leads (chủ trì): `lead`, or the one responsible unit; empty when several
/// units carry out the task and none is named.
std::string lead_of(const config::Task& task) {
  if (!task.lead.empty()) return task.lead;
  return task.responsible.size() == 1 ? task.responsible.front() : std::string();
}

/// With whom a coordinating unit works: the lead, else the units that carry out the task
/// (named when they are few).
std::string partners_of(const Config& config, const config::Task& task) {
  std::string lead = lead_of(task);
  if (!lead.empty()) return names_of(config, {lead});
  if (task.responsible.size() <= 3) return names_of(config, task.responsible);
  return std::to_string(task.responsible.size()) + " đơn vị được giao thực hiện";
}

/// The day a `before` deadline names, as the document writes it ("trước ngày 04/11/2020"):
/// a one-off task's date, or the day of a yearly rule in a given month; none otherwise.
std::optional<date::local_days> before_day(const Reminder& r) {
  const config::DueSpec& due = r.task->due;
  if (due.kind == config::DueSpec::Kind::before) return due.day;
  const config::DueRule& rule = due.rule;
  if (due.kind != config::DueSpec::Kind::rule || !due.rule_before ||
      rule.kind != config::DueRule::Kind::day_of_month || rule.month == 0 ||
      r.task->recurrence.kind != config::Recurrence::Kind::yearly)
    return std::nullopt;
  int year = occurrence_year(r.occurrence);
  date::year_month_day day{date::year{year}, date::month{static_cast<unsigned>(rule.month)},
                           date::day{static_cast<unsigned>(rule.day)}};
  if (year == 0 || !day.ok()) return std::nullopt;
  return date::local_days{day};
}

/// "trước 17:00 ngày 03/11/2020", or, for a deadline written "before 04/11/2020", "trước
/// ngày 04/11/2020, tức trước 17:00 ngày 03/11/2020".
std::string deadline_of(const Config& config, const Reminder& r) {
  const auto* zone = config.service.zone;
  std::string at = vn_time(zone, r.due) + " ngày " + vn_date(zone, r.due);
  // An extended deadline is the day granted; the plan's own is recalled.
  if (r.original_due) {
    return "trước " + at + " (đã được gia hạn; thời hạn ban đầu: trước " +
           vn_time(zone, *r.original_due) + " ngày " + vn_date(zone, *r.original_due) + ")";
  }
  auto day = before_day(r);
  if (!day) return "trước " + at;
  return "trước ngày " + vn_date(*day) + ", tức trước " + at;
}

std::string monitor_name(const Config& config) {
  const config::Unit* monitor = config.monitor_unit();
  return monitor ? monitor->name : std::string("đơn vị theo dõi");
}

}  // namespace

int overdue_days_at(const Config& config, const Reminder& r, config::SysSeconds now) {
  auto due_day = local_day(config, r.due);
  auto today = local_day(config, now);
  if (today <= due_day) return 0;
  return static_cast<int>(config.calendar->working_days_after(due_day, today));
}

std::string title_of(const Reminder& r) {
  return r.occurrence_name.empty() ? r.task->title : r.task->title + " " + r.occurrence_name;
}

namespace {

/// "trước 3 ngày làm việc" of a lead as written in keys ("3wd"); the text itself if it is none.
std::string lead_label(std::string_view stage) {
  auto lead = config::parse_lead(std::string(stage));
  if (!lead) return std::string(stage);
  const auto n = lead->amount;
  switch (lead->kind) {
    case config::Lead::Kind::calendar_days:
      return n == 0 ? "ngày đến hạn" : "trước " + std::to_string(n) + " ngày";
    case config::Lead::Kind::working_days:
      return "trước " + std::to_string(n) + " ngày làm việc";
    case config::Lead::Kind::exact: {
      std::string out = "trước";
      if (n >= 3600) out += " " + std::to_string(n / 3600) + " giờ";
      if (n % 3600 >= 60) out += " " + std::to_string(n % 3600 / 60) + " phút";
      if (n % 60 != 0 || n == 0) out += " " + std::to_string(n % 60) + " giây";
      return out;
    }
  }
  return std::string(stage);
}

constexpr std::string_view k_overdue_prefix = "overdue-";
constexpr std::string_view k_escalate_prefix = "escalate-";

}  // namespace

std::string stage_label(const Reminder& r) {
  const std::string_view stage = schedule::split_stage(r.stage).stage;
  std::string extended = r.original_due ? " (theo thời hạn đã gia hạn)" : "";
  switch (r.kind) {
    case Reminder::Kind::overdue:
      return "nhắc quá hạn lần " + std::string(stage.substr(stage.find('-') + 1)) + extended;
    case Reminder::Kind::escalation:
      return "báo cáo " + (r.recipient ? r.recipient->name : r.addressee().name) + extended;
    case Reminder::Kind::extension:
      return "thông báo kết quả xử lý đề nghị gia hạn";
    case Reminder::Kind::reminder:
      break;
  }
  return lead_label(stage) + extended;
}

std::string stage_label(const Config& config, std::string_view key_stage) {
  constexpr std::string_view k_extension_prefix = "extension-";
  if (key_stage.substr(0, k_extension_prefix.size()) == k_extension_prefix)
    return "thông báo kết quả xử lý đề nghị gia hạn";
  const auto [stage, extended_until] = schedule::split_stage(key_stage);
  if (extended_until)
    return stage_label(config, stage) + " (theo thời hạn gia hạn đến ngày " +
           vn_date(*extended_until) + ")";
  if (stage.substr(0, k_overdue_prefix.size()) == k_overdue_prefix)
    return "nhắc quá hạn lần " + std::string(stage.substr(k_overdue_prefix.size()));
  if (stage.substr(0, k_escalate_prefix.size()) == k_escalate_prefix) {
    std::string id(stage.substr(k_escalate_prefix.size()));
    const config::Unit* unit = config.find_unit(id);
    return "báo cáo " + (unit ? unit->name : id);
  }
  return lead_label(stage);
}

void add_phrases(templating::Variables& v, const Config& config, const Reminder& r,
                 config::SysSeconds now) {
  const auto* zone = config.service.zone;
  const config::Task& task = *r.task;
  const bool coordinating = r.role == schedule::Role::coordinating;
  const std::string lead = lead_of(task);
  auto flag = [](bool on) { return on ? std::string("1") : std::string(); };
  auto at = [&](config::SysSeconds t) { return vn_time(zone, t) + " ngày " + vn_date(zone, t); };
  Citation citation = citation_of(config, *r.plan, citation_year(task, r.occurrence));
  const schedule::ExtensionDecision* decision = r.decision.get();
  std::optional<config::SysSeconds> original =
      decision ? std::optional(decision->original_due) : r.original_due;
  auto before = before_day(r);

  // A named person is addressed by name, as an agency writes to one of its officers
  // ("Kính gửi: Đồng chí Nguyễn Văn An, Trưởng phòng Quản lý đất đai"); the task stays the unit's.
  const config::Person* person = r.addressee().find_person(v["person_name"]);
  v["person_title"] = person ? person->title : std::string();
  v["addressee_name"] = person ? "Đồng chí " + person->name + ", " +
                                     (person->title.empty() ? r.addressee().name : person->title)
                               : r.addressee().name;
  v["office_name"] = monitor_name(config);
  v["report_to"] = task.report_to.empty() ? monitor_name(config) : task.report_to;
  v["plan_reference"] = plan_reference(citation);
  v["plan_basis"] = citation.basis;
  v["task_detail"] = task.detail;
  v["is_coordinating"] = flag(coordinating);
  v["is_lead"] = flag(!coordinating && lead == r.unit->id);
  v["lead_name"] = !coordinating && !lead.empty() && lead != r.unit->id ? names_of(config, {lead})
                                                                        : std::string();
  v["partners"] = coordinating ? partners_of(config, task) : std::string();
  v["is_office_deadline"] = flag(task.office_deadline);
  v["deadline_text"] = deadline_of(config, r);
  v["time_left"] = time_left(config, r, now);
  v["overdue_text"] = overdue_text(config, r, now);
  v["is_hurry"] = flag(last_call(config, r, now));
  v["late_at"] = r.late ? at(r.at) : std::string();
  // The Office is copied on the unit's own message only.
  v["is_copied"] = flag(!person && copies_monitor(config, r));
  v["contact"] = config.service.contact;
  v["is_extended"] = flag(r.original_due.has_value());
  v["original_due_date"] = original ? vn_date(zone, *original) : std::string();
  v["original_due_time"] = original ? vn_time(zone, *original) : std::string();
  v["before_date"] = before && !r.original_due ? vn_date(*before) : std::string();
  v["is_approved"] = flag(decision && decision->approved);
  v["asked_date"] = decision && decision->asked ? vn_date(*decision->asked) : std::string();
  v["decision_note"] = decision ? decision->note : std::string();
}

namespace {

std::string file_of(const Reminder& r, std::string_view part) {
  return std::string(kind_name(r.kind)) + "." + std::string(part) + ".mustache";
}

/// `text` without its line breaks at the end: a body inside the letter, or an item of a
/// bundle, whose template writes the break that follows.
std::string without_final_breaks(std::string text) {
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  return text;
}

}  // namespace

const templating::Texts& texts_of(const Config& config) {
  return config.service.texts ? *config.service.texts : *templating::Texts::shipped();
}

std::string subject_of(const templating::Variables& letter, const Config& config,
                       const Reminder& r) {
  return texts_of(config).render(file_of(r, "subject"), letter);
}

std::string body_of(const templating::Variables& letter, const Config& config, const Reminder& r) {
  return without_final_breaks(texts_of(config).render(file_of(r, "text"), letter));
}

std::string letter_of(const templating::Variables& letter, const Config& config, std::string body) {
  templating::Variables v = letter;
  v["body"] = without_final_breaks(std::move(body));
  return texts_of(config).render("letter.text.mustache", v);
}

std::string subject_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  return subject_of(letter_variables(config, r, now), config, r);
}

std::string body_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  templating::Variables v = letter_variables(config, r, now);
  v["subject"] = subject_of(v, config, r);
  return body_of(v, config, r);
}

std::string text_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  templating::Variables v = letter_variables(config, r, now);
  v["subject"] = subject_of(v, config, r);
  return letter_of(v, config, body_of(v, config, r));
}

}  // namespace deadlined::message
