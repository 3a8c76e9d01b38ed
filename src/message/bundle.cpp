#include "message/bundle.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "ids/ids.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "message/variables.hpp"

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

namespace {

/// What the bundle's subject and text templates see.
templating::Variables bundle_variables(const config::Config& config, const Members& members,
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
  const config::SysSeconds earliest = *deadlines.begin();
  const Reminder& first = *members.front();
  const config::Unit* monitor = config.monitor_unit();
  auto flag = [](bool on) { return on ? std::string("1") : std::string(); };
  return {{"count", std::to_string(members.size())},
          {"overdue_count", std::to_string(overdue)},
          {"is_all_overdue", flag(overdue == members.size())},
          {"is_some_overdue", flag(overdue > 0)},
          {"is_all_escalations", flag(all_escalations(members))},
          {"is_late", flag(late)},
          {"due_date", vn_date(zone, earliest)},
          {"due_time", vn_time(zone, earliest)},
          {"is_several_deadlines", flag(deadlines.size() > 1)},
          {"addressee_name", first.addressee().name},
          {"sender", sender_of(config, first)},
          {"office_name", monitor ? monitor->name : std::string("đơn vị theo dõi")},
          {"unit_name", first.unit->name}};
}

}  // namespace

std::string bundle_subject(const config::Config& config, const Members& members,
                           config::SysSeconds now) {
  return texts_of(config).render("bundle.subject.mustache", bundle_variables(config, members, now));
}

std::string bundle_text(const config::Config& config, const Members& unordered,
                        config::SysSeconds now, std::string_view person) {
  const Members members = bundle_order(unordered);
  const templating::Texts& texts = texts_of(config);
  templating::Variables bundle = bundle_variables(config, members, now);
  bundle["subject"] = texts.render("bundle.subject.mustache", bundle);
  std::vector<templating::Variables> items;
  // The letter around the list is the first member's: its addressee, its unit's calendar
  // link; the Office's copy is noted when any member copies it.
  templating::Variables letter;
  bool copied = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    templating::Variables v = letter_variables(config, *members[i], now, person);
    v["subject"] = subject_of(v, config, *members[i]);
    items.push_back({{"number", std::to_string(i + 1)}, {"body", body_of(v, config, *members[i])}});
    copied = copied || (person.empty() && copies_monitor(config, *members[i]));
    if (i == 0) letter = std::move(v);
  }
  letter["subject"] = bundle["subject"];
  letter["is_copied"] = std::string(copied ? 1 : 0, '1');
  return letter_of(letter, config,
                   texts.render("bundle.text.mustache", bundle, {{"items", items}}));
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
                          config::SysSeconds now, std::string_view person) {
  return render_email(config, person_message_id(bundle_message_id(members), person), to, cc,
                      bundle_subject(config, members, now),
                      bundle_text(config, members, now, person), now);
}

}  // namespace deadlined::message
