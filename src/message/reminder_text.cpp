// What a unit (or a leadership unit) reads in a reminder, an overdue notice or an
// escalation: the subject, the stage's name and the body, all as of the send time.
#include <algorithm>
#include <optional>

#include "config/lead.hpp"
#include "message/document.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"

namespace deadlined::message {
namespace {

using config::Config;
using schedule::Reminder;

date::local_days local_day(const Config& config, config::SysSeconds instant) {
  return date::floor<date::days>(config.service.zone->to_local(instant));
}

/// "2 giờ 30 phút", "45 phút".
std::string hours_minutes(std::chrono::seconds left) {
  auto hours = std::chrono::duration_cast<std::chrono::hours>(left);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(left - hours);
  std::string out;
  if (hours.count() > 0) out += std::to_string(hours.count()) + " giờ";
  if (minutes.count() > 0 || hours.count() == 0)
    out += (out.empty() ? "" : " ") + std::to_string(minutes.count()) + " phút";
  return out;
}

bool exact_stage(const Reminder& r) {
  auto lead = config::parse_lead(std::string(schedule::split_stage(r.stage).stage));
  return lead && lead->kind == config::Lead::Kind::exact;
}

/// The time left at `now`, when the message goes out: "hạn trong ngày hôm nay" (with the
/// hours left for an exact lead such as "2h", or when fewer than 4 are left), "hạn vào ngày mai",
/// "còn 3 ngày làm việc" or "còn 7 ngày, trong đó 5 ngày làm việc".
std::string time_left(const Config& config, const Reminder& r, config::SysSeconds now) {
  if (r.due <= now) return "đã quá hạn";
  auto today = local_day(config, now);
  auto due_day = local_day(config, r.due);
  if (due_day - today <= date::days{1}) {
    std::string out = today == due_day ? "hạn trong ngày hôm nay" : "hạn vào ngày mai";
    // The hours left only when they are few, or the stage itself is in hours ("2h"): at
    // 08:00, "còn 9 giờ" says no more than "today".
    if (exact_stage(r) || r.due - now < std::chrono::hours{4})
      out += ", còn " + hours_minutes(r.due - now);
    return out;
  }
  long days = (due_day - today).count();
  long working = config.calendar->working_days_after(today, due_day);
  if (working == days) return "còn " + std::to_string(days) + " ngày làm việc";
  return "còn " + std::to_string(days) + " ngày, trong đó " + std::to_string(working) +
         " ngày làm việc";
}

/// "đã quá hạn 3 ngày làm việc", or "đã quá hạn" on the day of the deadline itself.
std::string overdue_text(const Config& config, const Reminder& r, config::SysSeconds now) {
  int days = overdue_days_at(config, r, now);
  if (days <= 0) return "đã quá hạn";
  return "đã quá hạn " + std::to_string(days) + " ngày làm việc";
}

/// The last calls: one working day or less before the deadline, the due day, and after it.
/// Only these ask the unit to hurry ("khẩn trương").
bool last_call(const Config& config, const Reminder& r, config::SysSeconds now) {
  if (r.kind != Reminder::Kind::reminder || r.due <= now) return true;
  return config.calendar->working_days_after(local_day(config, now), local_day(config, r.due)) <= 1;
}

std::string names_of(const Config& config, const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const config::Unit* unit = config.find_unit(ids[i]);
    std::string name = unit ? unit->name : ids[i];
    out += (i == 0 ? "" : i + 1 == ids.size() ? " và " : ", ") + name;
  }
  return out;
}

/// The unit that leads (chủ trì): `lead`, or the one responsible unit; empty when several
/// units carry out the task and none is named.
std::string lead_of(const config::Task& task) {
  if (!task.lead.empty()) return task.lead;
  return task.responsible.size() == 1 ? task.responsible.front() : std::string();
}

/// With whom a coordinating unit works: the lead, else the units that carry out the task
/// (named when they are few).
std::string partners_of(const Config& config, const config::Task& task) {
  std::string lead = lead_of(task);
  if (!lead.empty()) return names_of(config, {lead});
  if (task.responsible.size() <= 3) return names_of(config, task.responsible);
  return std::to_string(task.responsible.size()) + " đơn vị được giao thực hiện";
}

/// "… được giao chủ trì thực hiện nhiệm vụ:", by the unit's part in the task.
std::string assignment_of(const Config& config, const Reminder& r) {
  const config::Task& task = *r.task;
  if (r.role == schedule::Role::coordinating)
    return " được giao phối hợp với " + partners_of(config, task) + " thực hiện nhiệm vụ:\n\n";
  std::string lead = lead_of(task);
  if (lead == r.unit->id) return " được giao chủ trì thực hiện nhiệm vụ:\n\n";
  if (lead.empty()) return " được giao thực hiện nhiệm vụ:\n\n";
  return " được giao thực hiện nhiệm vụ (đơn vị chủ trì: " + names_of(config, {lead}) + "):\n\n";
}

/// The day a `before` deadline names, as the document writes it ("trước ngày 04/11/2020"):
/// a one-off task's date, or the day of a yearly rule in a given month; none otherwise.
std::optional<date::local_days> before_day(const Reminder& r) {
  const config::DueSpec& due = r.task->due;
  if (due.kind == config::DueSpec::Kind::before) return due.day;
  const config::DueRule& rule = due.rule;
  if (due.kind != config::DueSpec::Kind::rule || !due.rule_before ||
      rule.kind != config::DueRule::Kind::day_of_month || rule.month == 0 ||
      r.task->recurrence.kind != config::Recurrence::Kind::yearly)
    return std::nullopt;
  int year = occurrence_year(r.occurrence);
  date::year_month_day day{date::year{year}, date::month{static_cast<unsigned>(rule.month)},
                           date::day{static_cast<unsigned>(rule.day)}};
  if (year == 0 || !day.ok()) return std::nullopt;
  return date::local_days{day};
}

/// "trước 17:00 ngày 03/11/2020", or, for a deadline written "before 04/11/2020", "trước
/// ngày 04/11/2020, tức trước 17:00 ngày 03/11/2020".
std::string deadline_of(const Config& config, const Reminder& r) {
  const auto* zone = config.service.zone;
  std::string at = vn_time(zone, r.due) + " ngày " + vn_date(zone, r.due);
  // An extended deadline is the day granted; the plan's own is recalled.
  if (r.original_due) {
    return "trước " + at + " (đã được gia hạn; thời hạn ban đầu: trước " +
           vn_time(zone, *r.original_due) + " ngày " + vn_date(zone, *r.original_due) + ")";
  }
  auto day = before_day(r);
  if (!day) return "trước " + at;
  return "trước ngày " + vn_date(*day) + ", tức trước " + at;
}

std::string monitor_name(const Config& config) {
  const config::Unit* monitor = config.monitor_unit();
  return monitor ? monitor->name : std::string("đơn vị theo dõi");
}

/// The Office's decision on a unit's request for more time, and what follows from it.
std::string decision_text(const Config& config, const Reminder& r, const std::string& unit,
                          const std::string& report_to) {
  const auto* zone = config.service.zone;
  const schedule::ExtensionDecision* d = r.decision.get();
  auto at = [&](config::SysSeconds t) { return vn_time(zone, t) + " ngày " + vn_date(zone, t); };
  std::string text;
  std::string asked =
      d && d->asked ? " (đề nghị gia hạn đến ngày " + vn_date(*d->asked) + ")" : std::string();
  if (d && d->approved) {
    text += "\n" + monitor_name(config) + " đồng ý gia hạn thời hạn thực hiện nhiệm vụ" + asked +
            " của " + unit + " đến trước " + at(r.due) + " (thời hạn ban đầu: trước " +
            at(d->original_due) + ").\n";
  } else {
    text += "\n" + monitor_name(config) + " không chấp thuận đề nghị gia hạn" + asked + " của " +
            unit + ". Thời hạn thực hiện nhiệm vụ vẫn là trước " + at(r.due) + ".\n";
  }
  if (d && !d->note.empty()) text += "Ý kiến của " + monitor_name(config) + ": " + d->note + "\n";
  text += "Báo cáo kết quả về: " + report_to + ".\n\nĐề nghị " + unit +
          " hoàn thành, gửi báo cáo kết quả về " + report_to + " trong thời hạn nêu trên.\n";
  return text;
}

}  // namespace

int overdue_days_at(const Config& config, const Reminder& r, config::SysSeconds now) {
  auto due_day = local_day(config, r.due);
  auto today = local_day(config, now);
  if (today <= due_day) return 0;
  return static_cast<int>(config.calendar->working_days_after(due_day, today));
}

std::string title_of(const Reminder& r) {
  return r.occurrence_name.empty() ? r.task->title : r.task->title + " " + r.occurrence_name;
}

namespace {

/// "trước 3 ngày làm việc" of a lead as written in keys ("3wd"); the text itself if it is none.
std::string lead_label(std::string_view stage) {
  auto lead = config::parse_lead(std::string(stage));
  if (!lead) return std::string(stage);
  const auto n = lead->amount;
  switch (lead->kind) {
    case config::Lead::Kind::calendar_days:
      return n == 0 ? "ngày đến hạn" : "trước " + std::to_string(n) + " ngày";
    case config::Lead::Kind::working_days:
      return "trước " + std::to_string(n) + " ngày làm việc";
    case config::Lead::Kind::exact: {
      std::string out = "trước";
      if (n >= 3600) out += " " + std::to_string(n / 3600) + " giờ";
      if (n % 3600 >= 60) out += " " + std::to_string(n % 3600 / 60) + " phút";
      if (n % 60 != 0 || n == 0) out += " " + std::to_string(n % 60) + " giây";
      return out;
    }
  }
  return std::string(stage);
}

constexpr std::string_view k_overdue_prefix = "overdue-";
constexpr std::string_view k_escalate_prefix = "escalate-";

}  // namespace

std::string stage_label(const Reminder& r) {
  const std::string_view stage = schedule::split_stage(r.stage).stage;
  std::string extended = r.original_due ? " (theo thời hạn đã gia hạn)" : "";
  switch (r.kind) {
    case Reminder::Kind::overdue:
      return "nhắc quá hạn lần " + std::string(stage.substr(stage.find('-') + 1)) + extended;
    case Reminder::Kind::escalation:
      return "báo cáo " + (r.recipient ? r.recipient->name : r.addressee().name) + extended;
    case Reminder::Kind::extension:
      return "thông báo kết quả xử lý đề nghị gia hạn";
    case Reminder::Kind::reminder:
      break;
  }
  return lead_label(stage) + extended;
}

std::string stage_label(const Config& config, std::string_view key_stage) {
  constexpr std::string_view k_extension_prefix = "extension-";
  if (key_stage.substr(0, k_extension_prefix.size()) == k_extension_prefix)
    return "thông báo kết quả xử lý đề nghị gia hạn";
  const auto [stage, extended_until] = schedule::split_stage(key_stage);
  if (extended_until)
    return stage_label(config, stage) + " (theo thời hạn gia hạn đến ngày " +
           vn_date(*extended_until) + ")";
  if (stage.substr(0, k_overdue_prefix.size()) == k_overdue_prefix)
    return "nhắc quá hạn lần " + std::string(stage.substr(k_overdue_prefix.size()));
  if (stage.substr(0, k_escalate_prefix.size()) == k_escalate_prefix) {
    std::string id(stage.substr(k_escalate_prefix.size()));
    const config::Unit* unit = config.find_unit(id);
    return "báo cáo " + (unit ? unit->name : id);
  }
  return lead_label(stage);
}

std::string subject_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  const auto* zone = config.service.zone;
  std::string subject = r.late ? "[Gửi muộn] " : "";
  std::string deadline = "hạn " + vn_time(zone, r.due) + " ngày " + vn_date(zone, r.due);
  switch (r.kind) {
    case Reminder::Kind::reminder:
      return subject + "Nhắc việc: " + title_of(r) + " (" + deadline + ")";
    case Reminder::Kind::overdue:
      return subject + "[Quá hạn] Nhắc việc: " + title_of(r) + " (" + deadline + ", " +
             overdue_text(config, r, now) + ")";
    case Reminder::Kind::escalation:
      return subject + "[Quá hạn] " + r.unit->name + " chưa hoàn thành: " + title_of(r) + " (" +
             deadline + ", " + overdue_text(config, r, now) + ")";
    case Reminder::Kind::extension:
      if (r.decision && r.decision->approved)
        return subject + "Đồng ý gia hạn: " + title_of(r) + " (hạn mới " +
               deadline.substr(std::string_view("hạn ").size()) + ")";
      return subject + "Không chấp thuận gia hạn: " + title_of(r) + " (" + deadline + ")";
  }
  return subject;
}

TextParts parts_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  const auto* zone = config.service.zone;
  const config::Task& task = *r.task;
  std::string report_to = task.report_to.empty() ? monitor_name(config) : task.report_to;
  const std::string& unit = r.unit->name;
  bool escalation = r.kind == Reminder::Kind::escalation;
  bool coordinating = r.role == schedule::Role::coordinating;
  Citation citation = citation_of(config, *r.plan, citation_year(task, r.occurrence));

  TextParts parts;
  parts.greeting = "Kính gửi: " + r.addressee().name + "\n\n";
  std::string& text = parts.body;
  text += escalation ? "Theo dõi việc thực hiện " : "Thực hiện ";
  text += plan_reference(citation);
  if (!citation.basis.empty()) text += " (căn cứ " + citation.basis + ")";
  text += escalation ? ", " + monitor_name(config) + " kính báo cáo: " + unit : ", " + unit;
  text += assignment_of(config, r);
  text += "    " + title_of(r) + "\n";
  if (!task.detail.empty()) text += "    " + task.detail + "\n";

  std::string deadline = deadline_of(config, r);
  // A date the plan does not set, chosen by the Office, says so.
  std::string by =
      task.office_deadline ? monitor_name(config) + " đề nghị hoàn thành " : std::string();
  bool hurry = last_call(config, r, now);
  switch (r.kind) {
    case Reminder::Kind::reminder:
      text += "\nThời hạn: " + by + deadline + " (" + time_left(config, r, now) + ").\n";
      if (coordinating) {
        text += "\nĐề nghị " + unit + (hurry ? " khẩn trương" : "") +
                " phối hợp, cung cấp thông tin, tài liệu cho " + partners_of(config, task) +
                " để hoàn thành nhiệm vụ đúng thời hạn.\n";
      } else {
        text += "Báo cáo kết quả về: " + report_to + ".\n\n";
        text += "Đề nghị " + unit +
                (hurry ? " khẩn trương hoàn thành, gửi báo cáo kết quả về "
                       : " triển khai thực hiện, gửi báo cáo kết quả về ") +
                report_to + " đúng thời hạn.\n";
      }
      break;
    case Reminder::Kind::overdue:
      text += "\nThời hạn: " + by + deadline + ". Đến nay nhiệm vụ " +
              overdue_text(config, r, now) + " và " + unit + " chưa xác nhận hoàn thành.\n";
      text += "Báo cáo kết quả về: " + report_to + ".\n\n";
      text += "Đề nghị " + unit + " khẩn trương hoàn thành, gửi báo cáo kết quả về " + report_to +
              " và xác nhận hoàn thành.\n";
      break;
    case Reminder::Kind::escalation:
      text += "\nThời hạn: " + by + deadline + ". Đến nay nhiệm vụ " +
              overdue_text(config, r, now) + ", " + unit + " chưa xác nhận hoàn thành.\n\n";
      text += "Kính đề nghị " + r.addressee().name + " chỉ đạo, đôn đốc " + unit +
              " khẩn trương hoàn thành.\n";
      break;
    case Reminder::Kind::extension:
      text += decision_text(config, r, unit, report_to);
      break;
  }
  if (r.late) {
    text += "\nLưu ý: thư này được gửi muộn so với lịch (" + vn_time(zone, r.at) + " ngày " +
            vn_date(zone, r.at) + ") do hệ thống tạm ngừng hoạt động.\n";
  }
  if (auto url = confirmation_url(config, r); url && !escalation) {
    text +=
        "\nKhi đã hoàn thành, đề nghị xác nhận tại địa chỉ sau (mở trang, rồi bấm nút "
        "xác nhận):\n" +
        *url + "\n";
  }
  if (auto url = calendar_url(config, *r.unit); url && !escalation) {
    parts.links += "\nLịch hạn nhiệm vụ của " + unit +
                   ", định dạng iCalendar; thêm vào Outlook, Thunderbird hoặc lịch điện "
                   "thoại:\n" +
                   *url + "\n";
  }
  if (copies_monitor(config, r)) {
    parts.closing += "\nĐồng gửi: " + monitor_name(config) + " (theo dõi, đôn đốc).\n";
  }
  if (!config.service.contact.empty()) {
    parts.closing += "\nMọi vướng mắc xin liên hệ " + config.service.contact + ".\n";
  }
  return parts;
}

std::string footer() {
  // No key or stage code here (STYLE: they never reach a reader): they are in the headers
  // (Message-ID, X-Deadlined-Key) and the webhook payload, for the operator.
  return "\n--\nThư nhắc việc gửi tự động từ hệ thống theo dõi, đôn đốc thực hiện nhiệm vụ.\n";
}

std::string text_of(const Config& config, const Reminder& r, config::SysSeconds now) {
  TextParts parts = parts_of(config, r, now);
  return parts.greeting + parts.body + parts.links + parts.closing + footer();
}

}  // namespace deadlined::message
