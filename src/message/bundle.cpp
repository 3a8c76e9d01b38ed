#include "message/bundle.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "ids/ids.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"

namespace deadlined::message {
namespace {

using schedule::Reminder;
using Members = std::vector<const Reminder*>;

/// Overdue as the message goes out: an overdue notice or an escalation, or a reminder sent
/// (retried, caught up) after its deadline.
bool overdue_at(const Reminder& r, config::SysSeconds now) {
  return r.kind != Reminder::Kind::reminder || r.due <= now;
}

bool all_escalations(const Members& members) {
  return std::all_of(members.begin(), members.end(),
                     [](const Reminder* r) { return r->kind == Reminder::Kind::escalation; });
}

/// Who speaks in the opening line: the Office, unless it writes to itself or there is none.
std::string sender_of(const config::Config& config, const Reminder& first) {
  const config::Unit* monitor = config.monitor_unit();
  if (monitor && monitor->id != first.addressee().id) return monitor->name;
  return {};
}

}  // namespace

Members bundle_order(Members members) {
  std::vector<std::pair<std::string, const Reminder*>> keyed;
  keyed.reserve(members.size());
  for (const Reminder* r : members)
    keyed.emplace_back(r->key(), r);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second->due, a.first) < std::tie(b.second->due, b.first);
  });
  Members out;
  out.reserve(keyed.size());
  for (const auto& [key, r] : keyed)
    out.push_back(r);
  return out;
}

std::string bundle_subject(const config::Config& config, const Members& members,
                           config::SysSeconds now) {
  const auto* zone = config.service.zone;
  bool late = false;
  std::size_t overdue = 0;
  std::set<config::SysSeconds> deadlines;
  for (const Reminder* r : members) {
    late = late || r->late;
    if (overdue_at(*r, now)) ++overdue;
    deadlines.insert(r->due);
  }
  const std::string count = std::to_string(members.size());
  const config::SysSeconds earliest = *deadlines.begin();
  std::string deadline = "hạn " + vn_time(zone, earliest) + " ngày " + vn_date(zone, earliest);
  if (deadlines.size() > 1) deadline = "sớm nhất: " + deadline;

  std::string subject = late ? "[Gửi muộn] " : "";
  if (overdue > 0) subject += "[Quá hạn] ";
  if (all_escalations(members)) {
    return subject + "Báo cáo " + count + " nhiệm vụ quá hạn chưa hoàn thành (" + deadline + ")";
  }
  subject += "Nhắc việc: " + count + " nhiệm vụ";
  if (overdue == 0) {
    subject += " đến hạn";
  } else if (overdue == members.size()) {
    subject += " quá hạn";
  } else {
    subject += ", trong đó " + std::to_string(overdue) + " nhiệm vụ quá hạn";
  }
  return subject + " (" + deadline + ")";
}

std::string bundle_text(const config::Config& config, const Members& unordered,
                        config::SysSeconds now) {
  const Members members = bundle_order(unordered);
  const Reminder& first = *members.front();
  const std::string count = std::to_string(members.size());
  const std::string sender = sender_of(config, first);
  const std::string& addressee = first.addressee().name;

  std::string greeting, list, links, closing;
  bool copy_noted = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    TextParts parts = parts_of(config, *members[i], now);
    if (i == 0) greeting = std::move(parts.greeting);
    list += (i == 0 ? "" : "\n") + std::to_string(i + 1) + ". " + parts.body;
    if (links.empty()) links = std::move(parts.links);
    // The closing of a member that copies the Office, whose note the Cc needs; else the
    // first (the contact line, the same in all).
    if (copies_monitor(config, *members[i]) && !copy_noted) {
      closing = std::move(parts.closing);
      copy_noted = true;
    } else if (closing.empty()) {
      closing = std::move(parts.closing);
    }
  }
  std::string opening;
  if (all_escalations(members)) {
    opening = (sender.empty() ? std::string("Hệ thống nhắc việc") : sender) + " kính báo cáo " +
              addressee + " " + count + " nhiệm vụ quá hạn chưa hoàn thành sau:\n\n";
  } else if (sender.empty()) {
    opening = "Hệ thống nhắc việc xin nhắc " + addressee + " " + count + " nhiệm vụ sau:\n\n";
  } else {
    opening = sender + " nhắc " + addressee + " " + count + " nhiệm vụ sau:\n\n";
  }
  return greeting + opening + list + links + closing + footer();
}

std::string bundle_message_id(const Members& members) {
  std::vector<std::string> keys;
  keys.reserve(members.size());
  for (const Reminder* r : members)
    keys.push_back(r->key());
  return ids::bundle_id(std::move(keys));
}

std::string render_bundle(const config::Config& config, const Members& members,
                          const std::vector<std::string>& to, const std::vector<std::string>& cc,
                          config::SysSeconds now) {
  return render_email(config, bundle_message_id(members), to, cc,
                      bundle_subject(config, members, now), bundle_text(config, members, now), now);
}

}  // namespace deadlined::message
