#include "schedule/extension.hpp"

#include <algorithm>
#include <sstream>

#include "schedule/assignment.hpp"
#include "schedule/chase.hpp"
#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::schedule {
namespace {

constexpr std::string_view k_prefix = "gh";

}  // namespace

std::optional<date::local_days> parse_iso_day(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::istringstream in{std::string(text)};
  date::local_days day;
  in >> date::parse("%Y-%m-%d", day);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return day;
}

SysSeconds end_of_day(const config::Config& config, date::local_days day) {
  return local_to_sys(config, day + config.service.day_end);
}

std::string extension_problem(const config::Config& config, SysSeconds deadline,
                              date::local_days day) {
  const date::local_days current = local_day_of(config, deadline);
  auto written = [](date::local_days d) { return date::format("%d/%m/%Y", d); };
  if (day <= current) {
    return "ngày gia hạn " + written(day) + " phải sau ngày của thời hạn hiện tại (" +
           written(current) + ")";
  }
  if (!config.calendar->is_working_day(day))
    return "ngày " + written(day) + " là ngày nghỉ; xin chọn một ngày làm việc";
  return {};
}

const Extensions& Extensions::none() {
  static const Extensions empty;
  return empty;
}

Extensions::Extensions(const config::Config& config, const std::vector<ExtensionEvent>& events) {
  std::map<ids::AssignmentId, ExtensionRequest> waiting;
  for (const ExtensionEvent& e : events) {
    auto resolved = resolve(config, e.target);
    const auto* assignment = std::get_if<Assignment>(&resolved);
    if (!assignment) continue;
    const SysSeconds original = assignment->occurrence.due;
    const auto day = parse_iso_day(e.until);
    auto asked = waiting.find(e.target);
    std::optional<date::local_days> asked_day;
    if (asked != waiting.end()) asked_day = asked->second.until;
    switch (e.action) {
      case ExtensionEvent::Action::request:
        if (day) waiting[e.target] = {e.target, *day, e.note, e.at, e.id};
        break;
      case ExtensionEvent::Action::approve: {
        if (!day || end_of_day(config, *day) <= original) break;
        Extension x{*day, end_of_day(config, *day), original, e.at, e.id};
        in_force_[e.target] = x;
        decisions_.push_back({e.target, e.id, true, day, asked_day, e.note, e.at, original});
        if (asked != waiting.end()) waiting.erase(asked);
        break;
      }
      case ExtensionEvent::Action::refuse:
        decisions_.push_back(
            {e.target, e.id, false, std::nullopt, asked_day, e.note, e.at, original});
        if (asked != waiting.end()) waiting.erase(asked);
        break;
    }
  }
  for (auto& [id, request] : waiting)
    pending_.push_back(std::move(request));
  std::sort(pending_.begin(), pending_.end(),
            [](const auto& a, const auto& b) { return a.entry < b.entry; });
  for (const auto& [id, x] : in_force_)
    reach_ =
        std::max(reach_, std::chrono::duration_cast<std::chrono::seconds>(x.due - x.original_due));
}

const Extension* Extensions::find(const ids::AssignmentId& target) const {
  if (in_force_.empty()) return nullptr;
  auto it = in_force_.find(target);
  return it == in_force_.end() ? nullptr : &it->second;
}

SysSeconds Extensions::deadline(const ids::AssignmentId& target, SysSeconds due) const {
  const Extension* x = find(target);
  return x ? x->due : due;
}

SysSeconds Extensions::latest_deadline(const std::string& plan, const std::string& task,
                                       const std::string& occurrence, SysSeconds due) const {
  if (in_force_.empty()) return due;
  SysSeconds latest = due;
  for (auto it = in_force_.lower_bound({plan, task, occurrence, ""});
       it != in_force_.end() && it->first.plan == plan && it->first.task == task &&
       it->first.occurrence == occurrence;
       ++it)
    latest = std::max(latest, it->second.due);
  return latest;
}

const ExtensionRequest* Extensions::pending_of(const ids::AssignmentId& target) const {
  for (const ExtensionRequest& r : pending_)
    if (r.target == target) return &r;
  return nullptr;
}

std::string extended_stage(const Extension& extension, std::string_view stage) {
  return std::string(k_prefix) + date::format("%Y%m%d", extension.until) + "-" + std::string(stage);
}

StageParts split_stage(std::string_view stage) {
  // "gh" + YYYYMMDD + "-"
  constexpr std::size_t k_length = 2 + 8 + 1;
  if (stage.size() <= k_length || stage.substr(0, k_prefix.size()) != k_prefix ||
      stage[k_length - 1] != '-')
    return {stage, std::nullopt};
  std::string_view digits = stage.substr(k_prefix.size(), 8);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {stage, std::nullopt};
  std::string iso = std::string(digits.substr(0, 4)) + "-" + std::string(digits.substr(4, 2)) +
                    "-" + std::string(digits.substr(6, 2));
  auto day = parse_iso_day(iso);
  if (!day) return {stage, std::nullopt};
  return {stage.substr(k_length), day};
}

std::vector<Reminder> decision_notices(const config::Config& config, const Extensions& extensions) {
  std::vector<Reminder> out;
  for (const ExtensionDecision& d : extensions.decisions()) {
    const config::Plan* plan = nullptr;
    const config::Task* task = nullptr;
    for (const config::Plan& p : config.plans) {
      if (p.id != d.target.plan) continue;
      for (const config::Task& t : p.tasks)
        if (t.id == d.target.task) plan = &p, task = &t;
    }
    const config::Unit* unit = config.find_unit(d.target.unit);
    if (!task || !unit) continue;
    Reminder r;
    r.kind = Reminder::Kind::extension;
    r.plan = plan;
    r.task = task;
    r.unit = unit;
    r.stage = decision_stage(d);
    r.role = role_in(*task, unit->id).value_or(Role::responsible);
    r.at = d.at;
    r.due = extensions.deadline(d.target, d.original_due);
    if (r.due != d.original_due) r.original_due = d.original_due;
    r.until = d.at + date::days{7};
    r.exact = true;
    r.occurrence = d.target.occurrence;
    Occurrences occurrences(config, *config.calendar, *plan, *task);
    if (auto o = occurrences.find(d.target.occurrence)) r.occurrence_name = o->name;
    r.decision = std::make_shared<const ExtensionDecision>(d);
    out.push_back(std::move(r));
  }
  return out;
}

std::string decision_stage(const ExtensionDecision& decision) {
  return "extension-" + std::to_string(decision.entry);
}

}  // namespace deadlined::schedule
