#include "cli/preview.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/when.hpp"
#include "message/bundle.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "message/variables.hpp"
#include "schedule/schedule.hpp"
#include "scheduler/digest.hpp"

namespace deadlined::cli {
namespace {

using config::SysSeconds;

/// One message of the preview, as text and as JSON.
struct Entry {
  SysSeconds at;
  std::string text;
  nlohmann::ordered_json json;
};

std::string line_of(const config::Config& config, SysSeconds at, const std::string& what,
                    const std::string& to_name, const message::Outbound& out) {
  const auto* zone = config.service.zone;
  return message::vn_time(zone, at) + " " + message::vn_date(zone, at) + "  " + what + "  → " +
         to_name + " [" + out.channel + ": " + message::join_list(out.to) +
         (out.cc.empty() ? "" : "; cc " + message::join_list(out.cc)) + "]\n      " + out.subject +
         "\n";
}

/// With [service] bundle, a unit's emails of one instant go as one message: the reminders
/// of each (instant, addressee) with an email, in groups of two or more.
std::map<std::pair<SysSeconds, std::string>, std::vector<const schedule::Reminder*>> bundles_of(
    const config::Config& config, const std::vector<schedule::Reminder>& reminders) {
  std::map<std::pair<SysSeconds, std::string>, std::vector<const schedule::Reminder*>> groups;
  if (!config.service.bundle) return groups;
  for (const auto& r : reminders) {
    for (const auto& out : message::outbound_for(config, r, r.at, false)) {
      // The unit's own email: its named people's go in bundles of the same members.
      if (out.kind == message::Outbound::Kind::email && out.person.empty())
        groups[{r.at, r.addressee().id}].push_back(&r);
    }
  }
  std::erase_if(groups, [](const auto& group) { return group.second.size() < 2; });
  return groups;
}

void add_reminders(const config::Config& config, SysSeconds from, SysSeconds to,
                   std::vector<Entry>& entries) {
  const auto* zone = config.service.zone;
  const auto reminders = schedule::reminders_between(config, from, to);
  const auto bundles = bundles_of(config, reminders);
  for (const auto& r : reminders) {
    for (const auto& out : message::outbound_for(config, r, r.at, false)) {
      nlohmann::ordered_json item = {
          {"at", message::iso8601(zone, r.at)},
          {"plan", r.plan->id},
          {"task", r.task->id},
          {"due", message::iso8601(zone, r.due)},
          {"stage", r.stage},
          {"stage_label", message::stage_label(r)},
          {"kind", message::kind_name(r.kind)},
          {"unit", r.unit->id},
          {"role", r.role == schedule::Role::responsible ? "responsible" : "coordinating"},
          {"channel", out.kind == message::Outbound::Kind::email ? "email" : "webhook"},
          {"to", out.to},
          {"cc", out.cc},
          {"subject", out.subject},
          {"text", out.person.empty() ? message::text_of(config, r, r.at)
                                      : message::variables_of(config, r, r.at, out.person)["text"]},
          {"id", out.id}};
      if (!out.webhook.empty()) item["webhook"] = out.webhook;
      if (!out.person.empty()) item["person"] = out.person;
      std::string what = r.plan->id + "/" + r.task->id + "  " + message::stage_label(r);
      std::string to_name = out.person.empty()
                                ? r.addressee().name
                                : "đồng chí " + out.person + " (" + r.addressee().name + ")";
      std::string line = line_of(config, r.at, what, to_name, out);
      auto bundle = bundles.find({r.at, r.addressee().id});
      if (out.kind == message::Outbound::Kind::email && bundle != bundles.end()) {
        // The message that goes is the bundle: shown as it will read.
        const auto& members = bundle->second;
        std::string subject = message::bundle_subject(config, members, r.at);
        item["bundle"] = {
            {"id", message::person_message_id(message::bundle_message_id(members), out.person)},
            {"size", members.size()},
            {"subject", subject},
            {"text", message::bundle_text(config, members, r.at, out.person)}};
        line += "      (gửi chung một thư với " + std::to_string(members.size() - 1) +
                " nhắc việc khác: " + subject + ")\n";
      }
      entries.push_back({r.at, std::move(line), std::move(item)});
    }
  }
}

/// The Office's digest on each working day of [from, to) at digest_time, as it would read
/// with no confirmation at all; none on a day with nothing to report.
void add_digests(const config::Config& config, SysSeconds from, SysSeconds to,
                 std::vector<Entry>& entries) {
  const config::Unit* monitor = config.monitor_unit();
  if (!config.service.digest || !monitor) return;
  const auto* zone = config.service.zone;
  auto day = date::floor<date::days>(zone->to_local(from));
  auto last = date::floor<date::days>(zone->to_local(to));
  auto none = [](const ids::AssignmentId&) { return std::optional<journal::Confirmation>{}; };
  for (; day <= last; day += date::days{1}) {
    if (!config.calendar->is_working_day(day)) continue;
    SysSeconds at = date::floor<std::chrono::seconds>(
        zone->to_sys(day + config.service.digest_time, date::choose::earliest));
    if (at < from || at >= to) continue;
    // Like confirmations, extensions are the journal's: the preview is of the config alone.
    auto items = scheduler::digest_items(config, at, schedule::Extensions::none(), none);
    if (!message::digest_needed(items)) continue;
    for (const auto& out : message::digest(config, *monitor, items, at)) {
      nlohmann::ordered_json item = {
          {"at", message::iso8601(zone, at)},
          {"kind", "digest"},
          {"stage_label", "thư tổng hợp hằng ngày"},
          {"unit", monitor->id},
          {"channel", out.kind == message::Outbound::Kind::email ? "email" : "webhook"},
          {"to", out.to},
          {"cc", out.cc},
          {"subject", out.subject},
          {"text", out.text},
          {"id", out.id},
          {"tasks", items.size()}};
      if (!out.webhook.empty()) item["webhook"] = out.webhook;
      entries.push_back({at, line_of(config, at, "thư tổng hợp", monitor->name, out), item});
    }
  }
}

}  // namespace

int do_preview(const config::Config& config, const std::string& from_text,
               const std::string& to_text, const std::string& format) {
  const auto* zone = config.service.zone;
  auto from = parse_when(from_text, zone, false);
  auto to = parse_when(to_text, zone, true);
  if (!from || !to) {
    std::cerr << "Lỗi: --from và --to nhận ngày dạng YYYY-MM-DD hoặc ngày giờ ISO 8601 như "
                 "2020-11-03T08:00 hay 2020-11-03T08:00:00+07:00\n";
    return 2;
  }
  std::vector<Entry> entries;
  add_reminders(config, *from, *to, entries);
  add_digests(config, *from, *to, entries);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.at < b.at; });
  if (format == "json") {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (Entry& e : entries)
      json.push_back(std::move(e.json));
    std::cout << json.dump(2) << '\n';
  } else if (entries.empty()) {
    std::cout << "Không có nhắc việc nào trong khoảng thời gian này.\n";
  } else {
    for (const Entry& e : entries)
      std::cout << e.text;
  }
  return 0;
}

}  // namespace deadlined::cli
