#include "message/outbound.hpp"

#include <algorithm>
#include <functional>

#include "codec/base64.hpp"
#include "codec/json_object.hpp"
#include "codec/token.hpp"
#include "ids/ids.hpp"
#include "message/mime.hpp"
#include "message/time_format.hpp"
#include "message/variables.hpp"
#include "schedule/occurrence.hpp"
#include "util/url.hpp"

namespace deadlined::message {
namespace {

using config::Config;
using schedule::Reminder;

std::string domain_of(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

/// A webhook's url as it may be shown. A chat service's incoming-webhook url carries its
/// token in the path (Slack, Mattermost) or the query (Google Chat, Teams): only its origin.
std::string shown_url(const config::WebhookConfig& hook) {
  std::string url = util::redact_url(hook.url);
  if (hook.preset == "slack" || hook.preset == "mattermost" || hook.preset == "google-chat" ||
      hook.preset == "teams-workflow") {
    auto host = url.find("://");
    auto path = host == std::string::npos ? host : url.find('/', host + 3);
    if (path != std::string::npos) url = url.substr(0, path) + "/…";
  }
  return url;
}

}  // namespace

std::string_view kind_name(Reminder::Kind kind) {
  switch (kind) {
    case Reminder::Kind::overdue:
      return "overdue";
    case Reminder::Kind::escalation:
      return "escalation";
    case Reminder::Kind::extension:
      return "extension";
    case Reminder::Kind::reminder:
      break;
  }
  return "reminder";
}

bool copies_monitor(const Config& config, const Reminder& r) {
  const config::Unit* monitor = config.monitor_unit();
  if (!monitor || monitor->id == r.addressee().id) return false;
  switch (config.service.monitor_cc) {
    case config::ServiceConfig::MonitorCc::all:
      return true;
    case config::ServiceConfig::MonitorCc::overdue:
      return r.kind != Reminder::Kind::reminder;
    case config::ServiceConfig::MonitorCc::none:
      break;
  }
  return false;
}

std::vector<std::string> copies_of(const Config& config, const Reminder& r) {
  return copies_monitor(config, r) ? config.monitor_unit()->emails : std::vector<std::string>{};
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::vector<Outbound> per_channel(const Config& config, const config::Unit& unit,
                                  const std::string& id, const std::string& subject,
                                  std::vector<std::string> cc,
                                  const std::function<std::string(const Outbound&)>& email_content,
                                  const std::function<std::string()>& webhook_content) {
  std::vector<Outbound> out;
  auto add = [&](Outbound m) {
    m.id = id;
    m.subject = subject;
    if (m.kind == Outbound::Kind::email ? bool(email_content) : bool(webhook_content)) {
      m.content = m.kind == Outbound::Kind::email ? email_content(m) : webhook_content();
    }
    out.push_back(std::move(m));
  };
  if (!unit.emails.empty() && config.email.transport != config::EmailConfig::Transport::none) {
    Outbound m;
    m.channel = ids::ChannelId::email().to_string();
    m.to = unit.emails;
    m.cc = std::move(cc);
    add(std::move(m));
  }
  for (const std::string& name : unit.webhooks) {
    Outbound m;
    m.kind = Outbound::Kind::webhook;
    m.channel = ids::ChannelId::of_webhook(name).to_string();
    m.webhook = name;
    const config::WebhookConfig& hook = config.webhooks.at(name);
    // A webhook sent by phone has a delivery per number; any other is shown by its url in
    // logs, `preview` and reports to the Office, never with the url's credentials.
    m.to = hook.by_phone ? unit.phones : std::vector<std::string>{shown_url(hook)};
    add(std::move(m));
  }
  return out;
}

std::optional<std::string> confirmation_url(const Config& config, const Reminder& r) {
  return confirmation_url(config, r.assignment(), r.due);
}

std::optional<std::string> confirmation_url(const Config& config, const ids::AssignmentId& a,
                                            config::SysSeconds due) {
  const config::HttpConfig& http = config.http;
  if (!http.enabled || http.secret.empty()) return std::nullopt;
  codec::AckClaim claim{a.plan, a.task, a.occurrence, a.unit,
                        (due + http.link_grace).time_since_epoch().count()};
  return http.public_url + "/ack/" + codec::sign_ack(http.secret.value, claim);
}

std::optional<std::string> calendar_url(const Config& config, const config::Unit& unit) {
  const config::HttpConfig& http = config.http;
  if (!http.enabled || http.secret.empty()) return std::nullopt;
  return http.public_url + "/calendar/" + unit.id +
         ".ics?token=" + codec::derived_token(http.secret.value, "ics", unit.id);
}

std::string render_email(const Config& config, const std::string& message_id,
                         const std::vector<std::string>& to, const std::vector<std::string>& cc,
                         const std::string& subject, const std::string& text,
                         config::SysSeconds now, const std::string& extra_headers,
                         const std::string& html) {
  const config::EmailConfig& email = config.email;
  std::string out = address_field("From", email.from_name, email.from_address);
  out += address_list_field("To", to);
  if (!cc.empty()) out += address_list_field("Cc", cc);
  out += header_field("Subject", subject);
  out += "Date: " + rfc5322_date(config.service.zone, now) + "\r\n";
  out += "Message-ID: <" + message_id + "@" + domain_of(email.from_address) + ">\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  // Exchange, common in agencies, honours this one: no out-of-office reply to a reminder.
  out += "X-Auto-Response-Suppress: All\r\n";
  out += "X-Deadlined-Key: " + message_id + "\r\n";
  out += extra_headers;
  out += "MIME-Version: 1.0\r\n";
  if (html.empty()) {
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64_body(to_crlf(text));
    return out;
  }
  // RFC 2046 5.1.4: the plain text first, the richer part last. No base64 line holds "=_".
  const std::string boundary = "=_deadlined_" + codec::fnv1a64_hex(message_id);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64_body(to_crlf(text));
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/html; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64_body(to_crlf(html));
  out += "--" + boundary + "--\r\n";
  return out;
}

std::string render_webhook(const Config& config, const Reminder& r, config::SysSeconds now,
                           std::string_view person) {
  // The subject and text a person's letter has ("Kính gửi: Đồng chí …"), else the unit's.
  templating::Variables v = letter_variables(config, r, now, person);
  v["subject"] = subject_of(v, config, r);
  const std::string& subject = v.at("subject");
  const std::string text = letter_of(v, config, body_of(v, config, r));
  const auto* zone = config.service.zone;
  codec::JsonObject body;
  std::string key = r.key();
  body.add("id", v.at("id"))
      .add("key", key)
      .add("type", kind_name(r.kind))
      .add("stage", r.stage)
      .add("late", r.late)
      .add("plan", r.plan->id)
      .add("plan_number", r.plan->number)
      .add("plan_title", r.plan->title)
      .add("task", r.task->id)
      .add("task_title", r.task->title)
      .add("occurrence", r.occurrence)
      .add("occurrence_name", r.occurrence_name)
      .add("unit", r.unit->id)
      .add("unit_name", r.unit->name)
      .add("role", r.role == schedule::Role::responsible ? "responsible" : "coordinating")
      .add("at", iso8601(zone, r.at))
      .add("due", iso8601(zone, r.due))
      .add("overdue_days", overdue_days_at(config, r, now))
      .add("subject", subject)
      .add("text", text);
  if (r.recipient) body.add("recipient", r.recipient->id);
  if (!person.empty()) body.add("person_name", person);
  if (auto url = confirmation_url(config, r); url && r.kind != Reminder::Kind::escalation)
    body.add("confirm_url", *url);
  return body.finish();
}

std::string person_message_id(const std::string& id, std::string_view person) {
  if (person.empty()) return id;
  return id + ".p" + codec::fnv1a64_hex(person);
}

namespace {

/// `addresses` without those already reached through `channel` by `unit_messages`.
std::vector<std::string> not_reached(std::vector<std::string> addresses, const std::string& channel,
                                     const std::vector<Outbound>& unit_messages) {
  std::erase_if(addresses, [&](const std::string& a) {
    return std::any_of(unit_messages.begin(), unit_messages.end(), [&](const Outbound& m) {
      return m.channel == channel && (std::find(m.to.begin(), m.to.end(), a) != m.to.end() ||
                                      std::find(m.cc.begin(), m.cc.end(), a) != m.cc.end());
    });
  });
  return addresses;
}

/// The messages to the named people of `unit`, beside `unit_messages`: one per channel of each
/// person, without copies; none to an address the unit's messages reach already.
std::vector<Outbound> to_people(const Config& config, const config::Unit& unit,
                                const std::string& id, const std::string& subject,
                                const std::vector<Outbound>& unit_messages) {
  std::vector<Outbound> out;
  for (const config::Person& person : unit.people) {
    for (const std::string& name : person.channels) {
      Outbound m;
      m.id = person_message_id(id, person.name);
      m.subject = subject;
      m.person = person.name;
      if (name == "email") {
        if (config.email.transport == config::EmailConfig::Transport::none) continue;
        m.channel = ids::ChannelId::email().to_string();
        m.to = not_reached(person.emails, m.channel, unit_messages);
      } else {
        auto hook = config.webhooks.find(name);
        if (hook == config.webhooks.end()) continue;
        m.kind = Outbound::Kind::webhook;
        m.channel = ids::ChannelId::of_webhook(name).to_string();
        m.webhook = name;
        // A room (a chat webhook) the unit posts to already has the message.
        m.to = hook->second.by_phone
                   ? not_reached(person.phones, m.channel, unit_messages)
                   : not_reached({shown_url(hook->second)}, m.channel, unit_messages);
      }
      if (!m.to.empty()) out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace

std::vector<Outbound> outbound_for(const Config& config, const Reminder& r, config::SysSeconds now,
                                   bool render) {
  std::string id = r.key();
  std::string subject = subject_of(config, r, now);
  const config::Unit& addressee = r.addressee();
  auto out = per_channel(config, addressee, id, subject, copies_of(config, r), {}, {});
  for (Outbound& m : to_people(config, addressee, id, subject, out))
    out.push_back(std::move(m));
  if (render) {
    for (Outbound& m : out)
      m.content = content_of(config, r, m, now);
  }
  return out;
}

std::string content_of(const Config& config, const Reminder& r, const Outbound& m,
                       config::SysSeconds now) {
  // Subject and text are written as of `now`, the attempt: every count of days left or
  // overdue is true when the message goes out, a catch-up's and a retry's too.
  if (m.kind == Outbound::Kind::webhook) {
    // A webhook with a body template (a preset's, say) renders it from the variables: its
    // content is their values, as one JSON object, which the channel fills its templates
    // from on the thread that sends.
    if (config.webhooks.at(m.webhook).body) {
      codec::JsonObject values;
      for (const auto& [name, value] : variables_of(config, r, now, m.person))
        values.add(name, value);
      return values.finish();
    }
    return render_webhook(config, r, now, m.person);
  }
  // Plain text and HTML, both from the variables as of `now`.
  templating::Variables v = variables_of(config, r, now, m.person);
  return render_email(config, m.id, m.to, m.cc, v["subject"], v["text"], now, {},
                      html_of(config, v));
}

ids::ReportId failure_report_key(const Config& config, const std::string& address,
                                 config::SysSeconds now) {
  auto day = date::floor<date::days>(config.service.zone->to_local(now));
  return {ids::ReportId::Kind::delivery_failure, schedule::occurrence_id(day),
          codec::fnv1a64_hex(address)};
}

std::vector<Outbound> failure_report(const Config& config, const config::Unit& monitor,
                                     const FailedDelivery& failure, config::SysSeconds now) {
  const auto* zone = config.service.zone;
  std::string id = failure_report_id(config, failure.address, now);
  templating::Variables v{
      {"office_name", monitor.name}, {"address", failure.address},
      {"unit", failure.unit_id},     {"unit_name", failure.unit_name},
      {"channel", failure.channel},  {"reminder_key", failure.reminder_key},
      {"reason", failure.reason},    {"is_disabled", failure.disabled ? "1" : ""},
      {"date", vn_date(zone, now)},  {"time", vn_time(zone, now)}};
  const templating::Texts& texts = texts_of(config);
  v["subject"] = texts.render("failure.subject.mustache", v);
  const std::string subject = v["subject"];
  const std::string text = texts.render("failure.text.mustache", v);
  return per_channel(
      config, monitor, id, subject, {},
      [&](const Outbound& m) {
        return render_email(config, id, m.to, {}, subject, text, now,
                            "X-Deadlined-Report: delivery-failure\r\n");
      },
      [&] {
        return codec::JsonObject()
            .add("id", ids::webhook_id(id))
            .add("key", id)
            .add("type", "delivery_failure")
            .add("address", failure.address)
            .add("channel", failure.channel)
            .add("unit", failure.unit_id)
            .add("unit_name", failure.unit_name)
            .add("reminder", failure.reminder_key)
            .add("reason", failure.reason)
            .add("subject", subject)
            .add("text", text)
            .finish();
      });
}

std::vector<Outbound> test_outbound(const Config& config, const config::Unit& unit,
                                    config::SysSeconds now) {
  const auto* zone = config.service.zone;
  std::string id = "test." + unit.id + "." + std::to_string(now.time_since_epoch().count());
  templating::Variables v{{"unit", unit.id},
                          {"unit_name", unit.name},
                          {"date", vn_date(zone, now)},
                          {"time", vn_time(zone, now)}};
  const templating::Texts& texts = texts_of(config);
  v["subject"] = texts.render("test.subject.mustache", v);
  const std::string subject = v["subject"];
  const std::string text = texts.render("test.text.mustache", v);
  return per_channel(
      config, unit, id, subject, {},
      [&](const Outbound& m) { return render_email(config, id, m.to, {}, subject, text, now); },
      [&] {
        return codec::JsonObject()
            .add("id", ids::webhook_id(id))
            .add("key", id)
            .add("type", "test")
            .add("unit", unit.id)
            .add("unit_name", unit.name)
            .add("subject", subject)
            .add("text", text)
            .add("short_text", subject)
            .finish();
      });
}

}  // namespace deadlined::message
