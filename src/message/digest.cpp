#include <nlohmann/json.hpp>

#include "ids/ids.hpp"
#include "message/document.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"

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
  std::string subject = "Tổng hợp theo dõi nhiệm vụ ngày " + vn_date(zone, now) + ": " +
                        std::to_string(overdue) + " lượt đơn vị quá hạn, " +
                        std::to_string(pending) + " lượt đơn vị đang thực hiện";
  std::string text = "Kính gửi: " + monitor.name + "\n\n";
  text += "Tình hình thực hiện các nhiệm vụ đang theo dõi, đến " + vn_time(zone, now) + " ngày " +
          vn_date(zone, now) + ": " + std::to_string(items.size()) + " nhiệm vụ; " +
          std::to_string(overdue) + " lượt đơn vị quá hạn, " + std::to_string(pending) +
          " lượt đơn vị đang thực hiện, " + std::to_string(confirmed) +
          " lượt đơn vị đã xác nhận hoàn thành.\n";
  nlohmann::ordered_json json_items = nlohmann::ordered_json::array();
  const config::Plan* plan = nullptr;
  int plan_number = 0;
  for (const DigestItem& item : items) {
    const schedule::OpenOccurrence& o = item.occurrence;
    if (o.plan != plan) {
      plan = o.plan;
      Citation citation = citation_of(config, *plan, citation_year(*o.task, o.occurrence));
      text += "\n" + std::to_string(++plan_number) + ". " + plan->title +
              (citation.number.empty() ? "" : " (" + citation.number + ")") + "\n";
    }
    std::string title = o.task->title + (o.occurrence_name.empty() ? "" : " " + o.occurrence_name);
    std::vector<const DigestUnit*> done, late, waiting;
    for (const DigestUnit& u : item.units)
      (u.confirmed ? done : overdue_at(item, u, now) ? late : waiting).push_back(&u);
    text += "   - " + title + " (hạn " + vn_time(zone, o.due) + " ngày " + vn_date(zone, o.due) +
            "): " + std::to_string(done.size()) + "/" + std::to_string(item.units.size()) +
            " đơn vị đã xác nhận hoàn thành.\n";
    // A unit past an extended deadline is overdue from that deadline, not the occurrence's.
    std::vector<const DigestUnit*> late_own, late_extended;
    for (const DigestUnit* u : late)
      (u->extended_to ? late_extended : late_own).push_back(u);
    if (!late_own.empty()) {
      text += "     Quá hạn " +
              (o.overdue_days > 0 ? std::to_string(o.overdue_days) + " ngày làm việc"
                                  : std::string("(hôm nay)")) +
              ": " + names(late_own, zone) + "\n";
    }
    if (!late_extended.empty())
      text += "     Quá hạn sau gia hạn: " + names(late_extended, zone) + "\n";
    if (!waiting.empty()) text += "     Chưa hoàn thành (còn hạn): " + names(waiting, zone) + "\n";
    if (!done.empty()) text += "     Đã xác nhận: " + names(done, zone) + "\n";
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
  text += "\n--\nThư tổng hợp gửi tự động từ hệ thống theo dõi, đôn đốc thực hiện nhiệm vụ.\n";
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
