#include <algorithm>
#include <cstdio>
#include <utility>

#include "config/readers.hpp"
#include "config/recurrence.hpp"
#include "config/suggest.hpp"

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
                     "giá trị '" + *text +
                         "' của 'recur' không hợp lệ: dùng monthly, quarterly, 6-monthly, "
                         "9-monthly hoặc yearly (thêm \"nd09 \" phía trước cho các kỳ báo cáo "
                         "theo Nghị định 09/2019/NĐ-CP), hoặc \"every N days\", \"every N "
                         "weeks\", \"every N months\"");
    }
  }
  for (auto [key, target] : {std::pair{"from", &recurrence.from}, {"until", &recurrence.until}}) {
    const toml::node* n = r.node(key);
    if (!n) continue;
    if (auto d = n->value_exact<toml::date>()) {
      *target = to_local_days(*d);
    } else {
      r.wrong_type(*n, key, "ngày, ví dụ 2026-01-01");
    }
    if (!t.contains("recur")) {
      reporter.error(n->source(), "'" + std::string(key) + "' chỉ dùng cho nhiệm vụ định kỳ; " +
                                      label + " không có 'recur'");
    }
  }
  bool every = recurrence.kind == Recurrence::Kind::every_days ||
               recurrence.kind == Recurrence::Kind::every_months;
  if (every && !recurrence.from) {
    reporter.error(t.get("recur")->source(),
                   label +
                       " lặp lại theo số ngày, tuần hoặc tháng nên cần 'from', ngày đầu tiên "
                       "của kỳ đầu tiên");
  }
  if (recurrence.from && recurrence.until && *recurrence.until < *recurrence.from) {
    reporter.error(t.get("until")->source(), "'until' is before 'from' in " + label);
  }
}

/// What to say of a quoted date ("2026-12-08"), read as a rule: write it without quotes.
std::string quoted_date_hint(const std::string& key, const std::string& text) {
  int y = 0, m = 0, d = 0;
  char rest = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &rest) >= 3 && text.size() >= 10 &&
      text[4] == '-' && text[7] == '-')
    return ". Ngày trong dấu ngoặc kép là chuỗi: bỏ dấu ngoặc kép, viết: " + key + " = " + text;
  if (std::sscanf(text.c_str(), "%2d/%2d/%4d%c", &d, &m, &y, &rest) == 3 && y > 999) {
    char iso[40];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return ". Ngày viết theo dạng năm-tháng-ngày, không có dấu ngoặc kép: " + key + " = " + iso;
  }
  return {};
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
                          label + " có cả 'due' và 'before'; chỉ khai báo một trong hai");
  }
  if (!due && !before) {
    if (recurring && task.recurrence.nd09) {
      task.due.kind = DueSpec::Kind::rule;
      task.due.rule = nd09_due_rule();
      return;
    }
    return reporter.error(t.source(), label + " chưa có thời hạn: khai báo 'due' hoặc 'before'");
  }
  const toml::node& node = due ? *due : *before;
  std::string key = due ? "due" : "before";
  if (auto text = node.value_exact<std::string>()) {
    auto rule = parse_due_rule(*text);
    if (!rule) {
      return reporter.error(node.source(),
                            "quy tắc hạn '" + *text + "' của '" + key +
                                "' không hợp lệ: dùng \"day D\", \"day D of next month\", "
                                "\"day D of month M\", \"N days after end\", \"Nwd after "
                                "end\", \"Nwd before TASK\", \"Nwd after 2026-12-01\" hoặc "
                                "\"Nwd after received\"" +
                                quoted_date_hint(key, *text));
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
                                                          rule->task + "'; bỏ 'recur'");
    }
    if (from_task && before) {
      return reporter.error(node.source(), "viết '" + *text + "' ở khóa 'due', không ở 'before'");
    }
    if (!from_task && !recurring && !t.contains("recur")) {
      return reporter.error(node.source(), "quy tắc hạn '" + *text + "' của '" + key +
                                               "' tính theo kỳ của nhiệm vụ định kỳ, nhưng " +
                                               label + " không có 'recur'");
    }
    if (from_task) section.due_where = reporter.pos(node.source());
    task.due.kind = DueSpec::Kind::rule;
    task.due.rule = std::move(*rule);
    task.due.rule_before = before != nullptr;
    return;
  }
  if (recurring) {
    return r.wrong_type(node, key,
                        "quy tắc hạn (chuỗi) như \"day 20 of next month\", vì nhiệm vụ định kỳ");
  }
  if (before) {
    if (auto d = before->value_exact<toml::date>()) {
      task.due.kind = DueSpec::Kind::before;
      task.due.day = to_local_days(*d);
    } else {
      r.wrong_type(*before, "before", "ngày, ví dụ 2020-11-04");
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
    r.wrong_type(*due, "due",
                 "ngày (ví dụ 2020-11-04), ngày giờ (2020-11-04T10:00:00) hoặc quy tắc hạn như "
                 "\"3wd before report\"");
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
      reporter.error(where, "mã nhiệm vụ '" + *id +
                                "' không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số, '-' và "
                                "'_'; viết: id = \"" +
                                id_from(*id) + "\"");
    } else if (auto [it, inserted] = task_ids.emplace(*id, where.line); !inserted) {
      reporter.error(where, "mã nhiệm vụ '" + *id + "' bị trùng (đã khai báo tại dòng " +
                                std::to_string(it->second) + ")");
    } else {
      section.names_id = true;
    }
  }
  std::string label = task.id.empty() ? std::string("nhiệm vụ") : "nhiệm vụ '" + task.id + "'";
  if (auto v = r.string("title", true)) task.title = *v;
  if (auto v = r.string("detail")) task.detail = *v;
  if (auto v = r.string("report_to")) task.report_to = *v;
  if (auto v = r.boolean("office_deadline")) task.office_deadline = *v;
  auto units = [&](std::string_view key, bool required, std::vector<Written>& out) {
    auto list = r.strings(key, required);
    if (!list) return;
    if (list->empty() && required) {
      reporter.error(t.get(key)->source(),
                     label + " chưa có đơn vị nào trong '" + std::string(key) + "'");
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
      r.wrong_type(*n, "received", "ngày, ví dụ 2026-12-01");
  }
  read_deadline(r, label, section);

  if (auto rule = r.string("non_working_day")) {
    if (*rule == "keep") {
      task.move_off_non_working_day = false;
    } else if (*rule != "next") {
      reporter.error(t.get("non_working_day")->source(),
                     "giá trị '" + *rule +
                         "' của 'non_working_day' không hợp lệ: dùng \"next\" hoặc \"keep\"");
    }
  }
  section.leads = read_leads(r);
  section.chase = read_chase(r);
  r.finish();
  return section;
}

}  // namespace deadlined::config::detail
