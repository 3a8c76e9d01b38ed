#include "message/variables.hpp"

#include "ids/ids.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"

namespace deadlined::message {
namespace {

using schedule::Reminder;

/// A shipped template; the tests check that every one compiles and uses known names.
templating::Template shipped_template(std::string_view name) {
  return std::get<templating::Template>(
      templating::Template::compile(std::string(*templating::shipped(name))));
}

const templating::Template& short_template() {
  static const templating::Template t = shipped_template("reminder.short.mustache");
  return t;
}

const templating::Template& html_template() {
  static const templating::Template t = shipped_template("reminder.html.mustache");
  return t;
}

/// The plain text as HTML: escaped, its lines kept.
std::string as_html(std::string_view text) {
  std::string out;
  std::string escaped = templating::escape_html(text);
  for (char c : escaped) {
    if (c == '\n') {
      out += "<br>\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string flag(bool on) {
  return on ? "1" : "";
}

}  // namespace

templating::Variables variables_of(const config::Config& config, const Reminder& r,
                                   config::SysSeconds now, std::string_view person_name) {
  const auto* zone = config.service.zone;
  const std::string key = r.key();
  const config::Unit* monitor = config.monitor_unit();
  const bool escalation = r.kind == Reminder::Kind::escalation;
  templating::Variables v{
      {"id", ids::webhook_id(key)},
      {"key", key},
      {"type", std::string(kind_name(r.kind))},
      {"unit", r.unit->id},
      {"unit_name", r.unit->name},
      {"person_name", std::string(person_name)},
      {"office_name", monitor ? monitor->name : std::string()},
      {"task_title", title_of(r)},
      {"plan_number", r.plan->number},
      {"plan_title", r.plan->title},
      {"due", iso8601(zone, r.due)},
      {"due_date", vn_date(zone, r.due)},
      {"due_time", vn_time(zone, r.due)},
      {"stage_label", stage_label(r)},
      {"overdue_days", std::to_string(overdue_days_at(config, r, now))},
      {"link", {}},
      {"calendar_link", {}},
      {"subject", subject_of(config, r, now)},
      {"text", text_of(config, r, now)},
      {"is_reminder", flag(r.kind == Reminder::Kind::reminder)},
      {"is_overdue", flag(r.kind == Reminder::Kind::overdue)},
      {"is_escalation", flag(escalation)},
      {"is_extension", flag(r.kind == Reminder::Kind::extension)},
      {"is_late", flag(r.late)},
  };
  // An escalation goes to the leadership about the unit: the unit's link is not theirs.
  if (!escalation) {
    if (auto url = confirmation_url(config, r)) v["link"] = *url;
    if (auto url = calendar_url(config, *r.unit)) v["calendar_link"] = *url;
  }
  v["short_text"] = short_text(v);
  v["text_html"] = as_html(v["text"]);
  return v;
}

std::string html_of(const templating::Variables& values) {
  return html_template().render(values, templating::Escape::html);
}

std::string short_text(const templating::Variables& values) {
  std::string text = short_template().render(values, templating::Escape::none);
  // A template file ends with a newline; a short text is one line.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

}  // namespace deadlined::message
