#include "message/variables.hpp"

#include "ids/ids.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"

namespace deadlined::message {
namespace {

using schedule::Reminder;

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

templating::Variables letter_variables(const config::Config& config, const Reminder& r,
                                       config::SysSeconds now, std::string_view person_name) {
  const auto* zone = config.service.zone;
  const std::string key = r.key();
  const bool escalation = r.kind == Reminder::Kind::escalation;
  templating::Variables v{
      // A person's message is not the unit's: an id of its own, as its Message-ID.
      {"id", ids::webhook_id(person_message_id(key, person_name))},
      {"key", key},
      {"type", std::string(kind_name(r.kind))},
      {"unit", r.unit->id},
      {"unit_name", r.unit->name},
      {"person_name", std::string(person_name)},
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
  add_phrases(v, config, r, now);
  return v;
}

templating::Variables variables_of(const config::Config& config, const Reminder& r,
                                   config::SysSeconds now, std::string_view person_name) {
  templating::Variables v = letter_variables(config, r, now, person_name);
  v["subject"] = subject_of(v, config, r);
  v["text"] = letter_of(v, config, body_of(v, config, r));
  v["short_text"] = short_text(config, v);
  v["text_html"] = as_html(v["text"]);
  return v;
}

std::string html_of(const config::Config& config, const templating::Variables& values) {
  return texts_of(config).render("reminder.html.mustache", values);
}

std::string short_text(const config::Config& config, const templating::Variables& values) {
  return texts_of(config).render("reminder.short.mustache", values);
}

}  // namespace deadlined::message
