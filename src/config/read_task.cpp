#include <algorithm>
#include <utility>

#include "config/readers.hpp"
#include "config/recurrence.hpp"

namespace deadlined::config::detail {
namespace {

/// `recur`, `from` and `until`.
void read_recurrence(TableReader& r, const std::string& label, Task& task) {
  const toml::table& t = r.table();
  Reporter& reporter = r.reporter();
  Recurrence& recurrence = task.recurrence;
  if (auto text = r.string("recur")) {
    if (auto parsed = parse_recurrence(*text)) {
      recurrence = *parsed;
    } else {
      reporter.error(t.get("recur")->source(),
                     "malformed recur '" + *text +
                         "': use monthly, quarterly, 6-monthly, 9-monthly or yearly (after "
                         "\"nd09 \" for the periods of Decree 09/2019), or \"every N days\", "
                         "\"every N weeks\", \"every N months\"");
    }
  }
  for (auto [key, target] : {std::pair{"from", &recurrence.from}, {"until", &recurrence.until}}) {
    const toml::node* n = r.node(key);
    if (!n) continue;
    if (auto d = n->value_exact<toml::date>()) {
      *target = to_local_days(*d);
    } else {
      r.wrong_type(*n, key, "a date");
    }
    if (!t.contains("recur")) {
      reporter.error(n->source(), "'" + std::string(key) + "' applies to recurring tasks; " +
                                      label + " has no 'recur'");
    }
  }
  bool every = recurrence.kind == Recurrence::Kind::every_days ||
               recurrence.kind == Recurrence::Kind::every_months;
  if (every && !recurrence.from) {
    reporter.error(t.get("recur")->source(),
                   label +
                       " recurs every N days, weeks or months and needs 'from', the first "
                       "day of its first period");
  }
  if (recurrence.from && recurrence.until && *recurrence.until < *recurrence.from) {
    reporter.error(t.get("until")->source(), "'until' is before 'from' in " + label);
  }
}

/// `due` or `before`: a date, a date-time, or a rule computed per occurrence.
void read_deadline(TableReader& r, const std::string& label, TaskSection& section) {
  const toml::table& t = r.table();
  Reporter& reporter = r.reporter();
  Task& task = section.values;
  const toml::node* due = r.node("due");
  const toml::node* before = r.node("before");
  bool recurring = task.recurrence.kind != Recurrence::Kind::none;
  if (due && before) {
    return reporter.error(before->source(),
                          label + " has both 'due' and 'before'; give exactly one");
  }
  if (!due && !before) {
    if (recurring && task.recurrence.nd09) {
      task.due.kind = DueSpec::Kind::rule;
      task.due.rule = nd09_due_rule();
      return;
    }
    return reporter.error(t.source(), label + " needs a deadline: 'due' or 'before'");
  }
  const toml::node& node = due ? *due : *before;
  std::string key = due ? "due" : "before";
  if (auto text = node.value_exact<std::string>()) {
    auto rule = parse_due_rule(*text);
    if (!rule) {
      return reporter.error(node.source(),
                            "malformed " + key + " rule '" + *text +
                                "': use \"day D\", \"day D of next month\", \"day D of month "
                                "M\", \"N days after end\", \"Nwd after end\", \"Nwd before "
                                "TASK\", \"Nwd after 2026-12-01\" or \"Nwd after received\"");
    }
    if (rule->kind == DueRule::Kind::after_date) {
      if (recurring || t.contains("recur")) {
        return reporter.error(node.source(), "hạn '" + *text + "' tính từ một ngày cố định, " +
                                                 "không dùng cho nhiệm vụ định kỳ ('recur')");
      }
      if (before) {
        return reporter.error(node.source(), "viết '" + *text + "' ở khóa 'due', không ở 'before'");
      }
      if (rule->from_received) {
        if (!task.received) {
          return reporter.error(node.source(),
                                "hạn '" + *text + "' tính từ ngày nhận văn bản: " +
                                    "cần khai báo 'received', ví dụ received = " + "2026-12-01");
        }
        rule->from = *task.received;
      }
      task.due.kind = DueSpec::Kind::rule;
      task.due.rule = std::move(*rule);
      return;
    }
    bool from_task = rule->kind == DueRule::Kind::before_task;
    if (from_task && recurring) {
      return reporter.error(t.get("recur")->source(), label + " takes its occurrences from task '" +
                                                          rule->task + "'; remove 'recur'");
    }
    if (from_task && before) {
      return reporter.error(node.source(), "write '" + *text + "' as due, not before");
    }
    if (!from_task && !recurring && !t.contains("recur")) {
      return reporter.error(node.source(), key + " rule '" + *text +
                                               "' counts from the period of a recurring "
                                               "task, and " +
                                               label + " has no 'recur'");
    }
    if (from_task) section.due_where = reporter.pos(node.source());
    task.due.kind = DueSpec::Kind::rule;
    task.due.rule = std::move(*rule);
    task.due.rule_before = before != nullptr;
    return;
  }
  if (recurring) {
    return r.wrong_type(node, key, "a rule such as \"day 20 of next month\" in a recurring task");
  }
  if (before) {
    if (auto d = before->value_exact<toml::date>()) {
      task.due.kind = DueSpec::Kind::before;
      task.due.day = to_local_days(*d);
    } else {
      r.wrong_type(*before, "before", "a date");
    }
    return;
  }
  if (auto d = due->value_exact<toml::date>()) {
    task.due.kind = DueSpec::Kind::date;
    task.due.day = to_local_days(*d);
  } else if (auto dt = due->value_exact<toml::date_time>()) {
    LocalSeconds local{to_local_days(dt->date).time_since_epoch() + to_seconds(dt->time)};
    if (dt->offset) {
      task.due.kind = DueSpec::Kind::offset_datetime;
      task.due.instant =
          SysSeconds{local.time_since_epoch() - std::chrono::minutes{dt->offset->minutes}};
    } else {
      task.due.kind = DueSpec::Kind::local_datetime;
      task.due.local_time = local;
    }
  } else {
    r.wrong_type(*due, "due", "a date, a date-time or a rule such as \"3wd before report\"");
  }
}

}  // namespace

TaskSection read_task(const toml::table& t, Reporter& reporter,
                      std::map<std::string, std::uint32_t>& task_ids) {
  TableReader r(t, "[[task]]", reporter);
  TaskSection section;
  Task& task = section.values;
  if (auto id = r.string("id", true)) {
    task.id = *id;
    SourcePos where = reporter.pos(t.get("id")->source());
    if (!valid_id(*id)) {
      reporter.error(where, "invalid task id '" + *id + "': use letters, digits, '-' and '_'");
    } else if (auto [it, inserted] = task_ids.emplace(*id, where.line); !inserted) {
      reporter.error(where, "duplicate task id '" + *id + "' (first defined at line " +
                                std::to_string(it->second) + ")");
    } else {
      section.names_id = true;
    }
  }
  std::string label = task.id.empty() ? std::string("task") : "task '" + task.id + "'";
  if (auto v = r.string("title", true)) task.title = *v;
  if (auto v = r.string("detail")) task.detail = *v;
  if (auto v = r.string("report_to")) task.report_to = *v;
  if (auto v = r.boolean("office_deadline")) task.office_deadline = *v;
  auto units = [&](std::string_view key, bool required, std::vector<Written>& out) {
    auto list = r.strings(key, required);
    if (!list) return;
    if (list->empty() && required) {
      reporter.error(t.get(key)->source(), label + " has no " + std::string(key) + " unit");
    }
    for (auto& [unit, where] : *list)
      out.push_back({std::move(unit), std::move(where)});
  };
  units("responsible", true, section.responsible);
  units("coordinating", false, section.coordinating);
  if (auto lead = r.string("lead")) {
    bool listed = std::any_of(section.responsible.begin(), section.responsible.end(),
                              [&](const Written& w) { return w.text == *lead; });
    if (listed) {
      task.lead = *lead;
    } else {
      reporter.error(t.get("lead")->source(),
                     "đơn vị chủ trì '" + *lead + "' của " + label +
                         " phải là một trong các đơn vị của 'responsible'");
    }
  }

  read_recurrence(r, label, task);
  if (const toml::node* n = r.node("received")) {
    if (auto d = n->value_exact<toml::date>())
      task.received = to_local_days(*d);
    else
      r.wrong_type(*n, "received", "a date such as 2026-12-01");
  }
  read_deadline(r, label, section);

  if (auto rule = r.string("non_working_day")) {
    if (*rule == "keep") {
      task.move_off_non_working_day = false;
    } else if (*rule != "next") {
      reporter.error(t.get("non_working_day")->source(),
                     "unknown non_working_day '" + *rule + "': use \"next\" or \"keep\"");
    }
  }
  section.leads = read_leads(r);
  section.chase = read_chase(r);
  r.finish();
  return section;
}

}  // namespace deadlined::config::detail
