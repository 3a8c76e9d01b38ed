#include "config/check.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "config/suggest.hpp"

namespace deadlined::config::detail {
namespace {

void error(std::vector<Diagnostic>& out, SourcePos where, std::string message) {
  out.push_back({std::move(where), Diagnostic::Severity::error, std::move(message)});
}

std::vector<std::string_view> unit_ids(const ParsedConfig& parsed) {
  std::vector<std::string_view> ids;
  for (const auto& [id, unit] : parsed.units)
    ids.push_back(id);
  return ids;
}

/// "đơn vị 'x' chưa được khai báo trong [units]", with the configured id it most likely means.
std::string unknown_unit(const ParsedConfig& parsed, const std::string& id) {
  return "đơn vị '" + id + "' chưa được khai báo trong [units]" +
         did_you_mean(id, unit_ids(parsed));
}

bool due_before_task(const TaskSection& task) {
  return task.values.due.kind == DueSpec::Kind::rule &&
         task.values.due.rule.kind == DueRule::Kind::before_task;
}

/// The channels of each named person of `unit`: "email" or a declared webhook, one sent by
/// phone only to a person with a number; and that each person can be reached.
void check_people(const ParsedConfig& parsed, const std::string& id, const UnitSection& unit,
                  std::vector<Diagnostic>& out) {
  for (std::size_t i = 0; i < unit.values.people.size(); ++i) {
    const Person& person = unit.values.people[i];
    const std::string who = "người nhận '" + person.name + "' của [units." + id + "]";
    if (!unit.person_channels[i]) {
      // By default: email with an address, the unit's webhooks sent by phone with a number.
      bool by_phone =
          std::any_of(unit.webhooks.begin(), unit.webhooks.end(), [&](const Written& w) {
            auto hook = parsed.webhooks.find(w.text);
            return hook != parsed.webhooks.end() && hook->second.by_phone;
          });
      if (person.emails.empty() && person.phones.empty()) {
        error(out, person.where, who + " chưa có email hay số điện thoại nào để nhận nhắc việc");
      } else if (person.emails.empty() && !by_phone) {
        error(out, person.where,
              who + " chỉ có số điện thoại nhưng đơn vị '" + id +
                  "' không có webhook nào gửi tin tới số điện thoại: nêu kênh trong 'channels', "
                  "ví dụ channels = [\"sms\"]");
      }
      continue;
    }
    if (unit.person_channels[i]->empty()) {
      error(out, person.where, "'channels' của " + who + " không được để trống");
    }
    for (const Written& channel : *unit.person_channels[i]) {
      if (channel.text == "email") {
        if (person.emails.empty()) {
          error(out, channel.where, who + " nhận qua 'email' nhưng chưa có địa chỉ email");
        }
        continue;
      }
      auto hook = parsed.webhooks.find(channel.text);
      if (hook == parsed.webhooks.end()) {
        std::vector<std::string_view> names{"email"};
        for (const auto& [name, webhook] : parsed.webhooks)
          names.push_back(name);
        error(out, channel.where,
              who + " nêu kênh '" + channel.text +
                  "': kênh là \"email\" hoặc tên một webhook đã khai báo trong [webhooks]" +
                  did_you_mean(channel.text, names));
      } else if (hook->second.by_phone && person.phones.empty()) {
        error(out, channel.where,
              "webhook '" + channel.text + "' gửi tin tới số điện thoại nhưng " + who +
                  " chưa có số nào: thêm phone = \"09xx xxx xxx\"");
      }
    }
  }
}

void check_main(const ParsedConfig& parsed, std::vector<Diagnostic>& out) {
  for (const auto& [id, unit] : parsed.units) {
    for (const Written& hook : unit.webhooks) {
      if (!parsed.webhooks.count(hook.text)) {
        std::vector<std::string_view> names;
        for (const auto& [name, webhook] : parsed.webhooks)
          names.push_back(name);
        error(out, hook.where,
              "đơn vị '" + id + "' nêu webhook '" + hook.text +
                  "' chưa được khai báo trong [webhooks]" + did_you_mean(hook.text, names));
      } else if (parsed.webhooks.at(hook.text).by_phone && unit.values.phones.empty()) {
        error(out, hook.where,
              "webhook '" + hook.text + "' gửi tin tới số điện thoại nhưng đơn vị '" + id +
                  "' chưa có số nào: thêm phone = [\"09xx xxx xxx\"] vào [units." + id + "]");
      }
    }
  }
  for (const auto& [id, unit] : parsed.units)
    check_people(parsed, id, unit, out);
  const ServiceSection& service = parsed.service;
  SourcePos main_file{parsed.file.string(), 0, 0};
  bool no_monitor = !service.monitor || service.monitor->text.empty();
  if (service.digest == true && no_monitor) {
    error(out, main_file, "digest = true cần đơn vị theo dõi: khai báo 'monitor' trong [service]");
  }
  if (!no_monitor && !parsed.find_unit(service.monitor->text)) {
    error(out, service.monitor->where,
          "'monitor' nêu " + unknown_unit(parsed, service.monitor->text));
  }
  bool any_email = std::any_of(parsed.units.begin(), parsed.units.end(), [](const auto& u) {
    const Unit& unit = u.second.values;
    return !unit.emails.empty() || std::any_of(unit.people.begin(), unit.people.end(),
                                               [](const Person& p) { return !p.emails.empty(); });
  });
  if (any_email && parsed.email.values.transport == EmailConfig::Transport::none) {
    error(out, main_file, "có đơn vị khai báo email nhưng cấu hình chưa có mục [email]");
  }
}

/// Each "before TASK" rule of a task in `chained` names a task of the plan, and no chain of
/// them through tasks in `chained` loops.
void check_dependencies(const PlanSection& plan, const std::vector<const TaskSection*>& chained,
                        std::vector<Diagnostic>& out) {
  std::unordered_set<std::string_view> ids;
  for (const TaskSection& task : plan.tasks) {
    if (task.names_id) ids.insert(task.values.id);
  }
  std::unordered_map<std::string_view, const TaskSection*> by_id;
  for (const TaskSection* task : chained)
    by_id.emplace(task->values.id, task);
  for (const TaskSection* task : chained) {
    if (!due_before_task(*task)) continue;
    const std::string& target = task->values.due.rule.task;
    if (!ids.count(target)) {
      std::vector<std::string_view> task_ids(ids.begin(), ids.end());
      std::sort(task_ids.begin(), task_ids.end());
      error(out, task->due_where,
            "hạn của nhiệm vụ '" + task->values.id + "' tính theo nhiệm vụ '" + target +
                "' chưa được khai báo trong kế hoạch '" + plan.values.id + "'" +
                did_you_mean(target, task_ids));
      continue;
    }
    const TaskSection* step = task;
    for (std::size_t i = 0; step && i <= chained.size(); ++i) {
      if (!due_before_task(*step)) {
        step = nullptr;
      } else {
        auto next = by_id.find(step->values.due.rule.task);
        step = next == by_id.end() ? nullptr : next->second;
        if (step == task) break;
      }
    }
    if (step == task) {
      error(out, task->due_where,
            "hạn của nhiệm vụ '" + task->values.id + "' phụ thuộc vào chính nó qua chuỗi 'before'");
    }
  }
}

/// The units of each task, then the `before` chains of the tasks read without a problem.
void check_plan(const ParsedConfig& parsed, const PlanSection& plan, std::vector<Diagnostic>& out) {
  std::vector<const TaskSection*> chained;
  bool any_chain = false;
  for (const TaskSection& task : plan.tasks) {
    std::string label =
        task.values.id.empty() ? std::string("nhiệm vụ") : "nhiệm vụ '" + task.values.id + "'";
    bool units_known = true;
    for (const auto* list : {&task.responsible, &task.coordinating}) {
      for (const Written& unit : *list) {
        if (parsed.find_unit(unit.text)) continue;
        error(out, unit.where, label + " nêu " + unknown_unit(parsed, unit.text));
        units_known = false;
      }
    }
    if (task.clean && units_known) {
      chained.push_back(&task);
      any_chain = any_chain || due_before_task(task);
    }
  }
  if (any_chain) check_dependencies(plan, chained, out);
}

void check_escalations(const ParsedConfig& parsed, const ChaseKeys& chase,
                       std::vector<Diagnostic>& out) {
  if (!chase.escalate_to) return;
  for (const Written& unit : *chase.escalate_to) {
    if (!parsed.find_unit(unit.text)) {
      error(out, unit.where, "'escalate_to' nêu " + unknown_unit(parsed, unit.text));
    }
  }
}

/// The deadline of a one-off task written as a date, a date-time or `before`, as
/// schedule::Occurrences::due_of counts it; none for a rule.
std::optional<SysSeconds> one_off_deadline(const Config& config, const Task& task) {
  const ServiceConfig& service = config.service;
  const calendar::WorkCalendar& calendar = *config.calendar;
  auto at_day_end = [&](LocalDays day) {
    return service.zone->to_sys(day + service.day_end, date::choose::earliest);
  };
  const DueSpec& due = task.due;
  switch (due.kind) {
    case DueSpec::Kind::offset_datetime:
      return due.instant;
    case DueSpec::Kind::local_datetime:
      return service.zone->to_sys(due.local_time, date::choose::earliest);
    case DueSpec::Kind::before:
      return at_day_end(calendar.previous_working_day(due.day));
    case DueSpec::Kind::date: {
      LocalDays day = due.day;
      if (task.move_off_non_working_day && !calendar.is_working_day(day))
        day = calendar.next_working_day(day);
      return at_day_end(day);
    }
    case DueSpec::Kind::rule:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Diagnostic> past_deadlines(const Config& config,
                                       const std::vector<SourcePos>& plan_where, SysSeconds now) {
  std::vector<Diagnostic> out;
  for (std::size_t i = 0; i < config.plans.size() && i < plan_where.size(); ++i) {
    for (const Task& task : config.plans[i].tasks) {
      if (task.recurrence.kind != Recurrence::Kind::none) continue;
      auto due = one_off_deadline(config, task);
      if (!due || *due >= now) continue;
      auto local = date::floor<std::chrono::minutes>(config.service.zone->to_local(*due));
      std::string key = task.due.kind == DueSpec::Kind::before ? "before" : "due";
      out.push_back({plan_where[i], Diagnostic::Severity::warning,
                     "hạn của nhiệm vụ '" + task.id + "' (" +
                         date::format("%H:%M ngày %d/%m/%Y", local) +
                         ") đã qua: nhiệm vụ không còn được nhắc trước hạn; đề nghị kiểm tra "
                         "lại '" +
                         key + "' hoặc bỏ nhiệm vụ đã hoàn thành khỏi kế hoạch"});
    }
  }
  return out;
}

std::vector<Diagnostic> missing_editions(const Config& config,
                                         const std::vector<SourcePos>& plan_where, SysSeconds now) {
  std::vector<Diagnostic> out;
  int year = static_cast<int>(
      date::year_month_day{date::floor<date::days>(config.service.zone->to_local(now))}.year());
  for (std::size_t i = 0; i < config.plans.size() && i < plan_where.size(); ++i) {
    const Plan& plan = config.plans[i];
    for (int y : {year, year + 1}) {
      // Only a plan some recurring task of which still occurs in that year.
      bool occurs = std::any_of(plan.tasks.begin(), plan.tasks.end(), [&](const Task& t) {
        const Recurrence& r = t.recurrence;
        return r.kind != Recurrence::Kind::none &&
               (!r.until || static_cast<int>(date::year_month_day{*r.until}.year()) >= y);
      });
      if (!occurs || plan.has_edition(y)) continue;
      out.push_back({plan_where[i], Diagnostic::Severity::warning,
                     "kế hoạch '" + plan.id + "' chưa có bản năm " + std::to_string(y) +
                         " ([[plan.edition]] với year = " + std::to_string(y) +
                         "): nhắc việc năm " + std::to_string(y) +
                         " sẽ không nêu số, ngày và căn cứ của kế hoạch, vì số, ngày và căn cứ "
                         "đã khai báo thuộc năm khác"});
    }
  }
  return out;
}

CrossReferenceProblems check(const ParsedConfig& parsed) {
  CrossReferenceProblems problems;
  check_main(parsed, problems.main);
  check_escalations(parsed, parsed.service.chase, problems.escalations);
  std::map<std::string, SourcePos> plan_ids;
  problems.plans.resize(parsed.plans.size());
  for (std::size_t i = 0; i < parsed.plans.size(); ++i) {
    const PlanSection& plan = parsed.plans[i];
    std::vector<Diagnostic>& out = problems.plans[i];
    check_plan(parsed, plan, out);
    if (plan.id_where) {
      if (auto [it, inserted] = plan_ids.emplace(plan.values.id, *plan.id_where); !inserted) {
        const SourcePos& first = it->second;
        error(out, *plan.id_where,
              "mã kế hoạch '" + plan.values.id + "' bị trùng (đã khai báo tại " + first.file + ":" +
                  std::to_string(first.line) + ":" + std::to_string(first.column) + ")");
      }
    }
    check_escalations(parsed, plan.chase, problems.escalations);
    for (const TaskSection& task : plan.tasks)
      check_escalations(parsed, task.chase, problems.escalations);
  }
  return problems;
}

}  // namespace deadlined::config::detail
