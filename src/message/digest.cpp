#include <nlohmann/json.hpp>

#include "ids/ids.hpp"
#include "message/document.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "message/variables.hpp"

namespace deadlined::message {
namespace {

std::string names(const std::vector<const DigestUnit*>& units, const date::time_zone* zone) {
  std::string out;
  for (const DigestUnit* u : units) {
    out += (out.empty() ? "" : ", ") + u->unit->name;
    if (u->extended_to) out += " (được gia hạn đến ngày " + vn_date(zone, *u->extended_to) + ")";
  }
  return out;
}

/// Whether a unit that has not confirmed is past its deadline in force at `now`.
bool overdue_at(const DigestItem& item, const DigestUnit& u, config::SysSeconds now) {
  return u.extended_to ? now > *u.extended_to : item.occurrence.overdue;
}

}  // namespace

ids::ReportId digest_key(const config::Config& config, config::SysSeconds now) {
  auto day = date::floor<date::days>(config.service.zone->to_local(now));
  return {ids::ReportId::Kind::digest, date::format("%Y%m%d", day), {}};
}

bool digest_needed(const std::vector<DigestItem>& items) {
  for (const DigestItem& item : items) {
    for (const DigestUnit& u : item.units) {
      if (!u.confirmed) return true;
    }
  }
  return false;
}

std::vector<Outbound> digest(const config::Config& config, const config::Unit& monitor,
                             const std::vector<DigestItem>& items, config::SysSeconds now) {
  const auto* zone = config.service.zone;
  std::size_t overdue = 0, pending = 0, confirmed = 0;
  for (const DigestItem& item : items) {
    for (const DigestUnit& u : item.units) {
      if (u.confirmed)
        ++confirmed;
      else if (overdue_at(item, u, now))
        ++overdue;
      else
        ++pending;
    }
  }
  std::string id = digest_id(config, now);
  // The subject counts what the body counts: units per task ("lượt đơn vị"), a unit with
  // two overdue tasks counted twice.
  templating::Variables v{{"office_name", monitor.name},
                          {"date", vn_date(zone, now)},
                          {"time", vn_time(zone, now)},
                          {"task_count", std::to_string(items.size())},
                          {"overdue_count", std::to_string(overdue)},
                          {"pending_count", std::to_string(pending)},
                          {"confirmed_count", std::to_string(confirmed)}};
  std::vector<templating::Variables> tasks;
  nlohmann::ordered_json json_items = nlohmann::ordered_json::array();
  const config::Plan* plan = nullptr;
  int plan_number = 0;
  for (const DigestItem& item : items) {
    const schedule::OpenOccurrence& o = item.occurrence;
    templating::Variables task;
    if (o.plan != plan) {
      plan = o.plan;
      Citation citation = citation_of(config, *plan, citation_year(*o.task, o.occurrence));
      task["is_new_plan"] = "1";
      task["plan_index"] = std::to_string(++plan_number);
      task["plan_title"] = plan->title;
      task["plan_number"] = citation.number;
    } else {
      task["is_new_plan"] = task["plan_index"] = task["plan_title"] = task["plan_number"] = "";
    }
    std::vector<const DigestUnit*> done, late, waiting;
    for (const DigestUnit& u : item.units)
      (u.confirmed ? done : overdue_at(item, u, now) ? late : waiting).push_back(&u);
    // A unit past an extended deadline is overdue from that deadline, not the occurrence's.
    std::vector<const DigestUnit*> late_own, late_extended;
    for (const DigestUnit* u : late)
      (u->extended_to ? late_extended : late_own).push_back(u);
    task["task_title"] = o.task->title + (o.occurrence_name.empty() ? "" : " " + o.occurrence_name);
    task["due_date"] = vn_date(zone, o.due);
    task["due_time"] = vn_time(zone, o.due);
    task["task_confirmed"] = std::to_string(done.size());
    task["task_units"] = std::to_string(item.units.size());
    task["task_overdue_days"] = o.overdue_days > 0 ? std::to_string(o.overdue_days) : "";
    task["overdue_names"] = names(late_own, zone);
    task["extended_overdue_names"] = names(late_extended, zone);
    task["waiting_names"] = names(waiting, zone);
    task["confirmed_names"] = names(done, zone);
    tasks.push_back(std::move(task));
    nlohmann::ordered_json units = nlohmann::ordered_json::array();
    for (const DigestUnit& u : item.units) {
      nlohmann::ordered_json unit{{"unit", u.unit->id},
                                  {"state", u.confirmed                ? "confirmed"
                                            : overdue_at(item, u, now) ? "overdue"
                                                                       : "pending"}};
      if (u.extended_to) unit["extended_to"] = iso8601(zone, *u.extended_to);
      units.push_back(std::move(unit));
    }
    json_items.push_back({{"plan", o.plan->id},
                          {"task", o.task->id},
                          {"occurrence", o.occurrence},
                          {"due", iso8601(zone, o.due)},
                          {"overdue_days", o.overdue_days},
                          {"units", std::move(units)}});
  }
  const templating::Texts& texts = texts_of(config);
  v["subject"] = texts.render("digest.subject.mustache", v);
  const std::string subject = v["subject"];
  const std::string text = texts.render("digest.text.mustache", v, {{"tasks", tasks}});
  auto out = per_channel(
      config, monitor, id, subject, {},
      [&](const Outbound& m) {
        return render_email(config, id, m.to, {}, subject, text, now,
                            "X-Deadlined-Report: digest\r\n");
      },
      [&] {
        return nlohmann::ordered_json{{"id", ids::webhook_id(id)}, {"key", id},
                                      {"type", "digest"},          {"items", json_items},
                                      {"subject", subject},        {"text", text}}
            .dump();
      });
  for (Outbound& m : out)
    m.text = text;
  return out;
}

}  // namespace deadlined::message
