#include <algorithm>
#include <filesystem>

#include "http/desk.hpp"
#include "http/office_login.hpp"
#include "http/pages.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::http {
namespace {

constexpr std::size_t k_upcoming_shown = 50;
constexpr std::size_t k_recent_shown = 30;
/// Above so many tasks, the upcoming reminders wait for a filter by plan or unit.
constexpr std::size_t k_upcoming_unfiltered_tasks = 5000;

std::string when(const config::Config& config, config::SysSeconds t) {
  return message::vn_time(config.service.zone, t) + " " + message::vn_date(config.service.zone, t);
}

std::string cell(const std::string& text, const char* css = nullptr) {
  return std::string("<td") + (css ? std::string(" class=\"") + css + "\"" : "") + ">" +
         escape_html(text) + "</td>";
}

/// What a journal row was sent for, as the Office reads it: "Báo cáo quý IV – Phòng A,
/// nhắc quá hạn lần 1", or "Thư tổng hợp hằng ngày".
std::string sent_what(const config::Config& config, const std::string& reminder_key) {
  auto key = ids::ReminderKey::parse(reminder_key);
  if (!key) {
    auto report = ids::ReportId::parse(reminder_key);
    if (report && report->kind == ids::ReportId::Kind::digest) return "Thư tổng hợp hằng ngày";
    if (report) return "Báo cáo địa chỉ không gửi được";
    return reminder_key;
  }
  const ids::AssignmentId& a = key->assignment;
  std::string title = a.task;
  for (const config::Plan& plan : config.plans) {
    if (plan.id != a.plan) continue;
    for (const config::Task& task : plan.tasks)
      if (task.id == a.task) title = task.title;
  }
  const config::Unit* unit = config.find_unit(a.unit);
  return title + " – " + (unit ? unit->name : a.unit) + ", " +
         message::stage_label(config, key->stage);
}

/// The channels no longer sent to, and what went out lately.
std::string sent_sections(const config::Config& config, journal::Store& journal) {
  std::string body;
  // Channels the daemon no longer sends to.
  auto disabled = journal.disabled_channels();
  if (!disabled.empty()) {
    body +=
        "<h2>Kênh đã ngừng gửi</h2>\n<table id=\"disabled\">\n<tr><th>Kênh</th><th>Từ "
        "lúc</th><th>Lý do</th></tr>\n";
    for (const auto& entry : disabled) {
      body += "<tr>" + cell(entry.channel) + cell(when(config, entry.since)) +
              cell(
                  "Máy chủ nhận trả lời HTTP 410: địa chỉ không còn tồn tại. Sửa cấu hình "
                  "của kênh và nạp lại để gửi tiếp.",
                  "warn") +
              "</tr>\n";
    }
    body += "</table>\n";
  }

  // What went out, and what failed.
  auto recent = journal.recent(k_recent_shown);
  body += "<h2>Gửi gần đây</h2>\n";
  if (recent.empty()) {
    body += "<p>Chưa gửi thư nào.</p>\n";
  } else {
    body += "<table id=\"recent\">\n<tr><th>Lúc</th><th>Thư</th><th>Kết quả</th></tr>\n";
    for (const auto& row : recent) {
      std::string outcome = row.state == journal::State::delivered ? "Đã gửi"
                            : row.state == journal::State::failed
                                ? "Không gửi được: " + row.last_error
                                : "Đang gửi lại (" + std::to_string(row.attempts) + " lần)" +
                                      (row.last_error.empty() ? "" : ": " + row.last_error);
      const char* css = row.state == journal::State::delivered ? nullptr : "warn";
      body += "<tr>" + cell(when(config, row.last_attempt_at)) + "<td>" +
              escape_html(sent_what(config, row.reminder_key)) +
              "<details class=\"keys\"><summary>Mã kỹ thuật</summary><code>" +
              escape_html(row.reminder_key + " · " + row.channel) + "</code></details></td>" +
              cell(outcome, css) + "</tr>\n";
    }
    body += "</table>\n";
  }
  return body;
}

/// The page's body, built on the background thread with a read-only journal of its own: at
/// 100,000 tasks it takes a share of a second that the event loop must not wait.
std::string status_body(const config::Config& config, const journal::Store::Opener& open_journal,
                        const schedule::Extensions& extensions, const DeskFilter& filter,
                        const DeskForms& forms, const std::string& login, SysSeconds now) {
  std::unique_ptr<journal::Store> reader = open_journal();
  journal::Store& journal = *reader;
  const auto latest = index_confirmations(journal.latest_confirmations());
  std::string body = "<h1>Theo dõi, đôn đốc thực hiện nhiệm vụ</h1>\n<p class=\"muted\">Cập nhật " +
                     escape_html(when(config, now)) + " · Đăng nhập: " + escape_html(login) +
                     ".</p>\n";
  body += desk_html(config, latest, extensions, filter, now, forms);

  // What comes next, of the tasks the filter keeps; units that have confirmed will not get
  // theirs. Every task's reminders are worked out for it: on a large config (0.8 s at
  // 100,000 tasks) only once the Office has narrowed the desk to a plan or a unit.
  std::size_t tasks = 0;
  for (const config::Plan& plan : config.plans)
    tasks += plan.tasks.size();
  if (tasks > k_upcoming_unfiltered_tasks && filter.plan.empty() && filter.unit.empty()) {
    body += "<h2>Nhắc việc sắp tới (30 ngày)</h2>\n<p class=\"muted\">Có " + std::to_string(tasks) +
            " nhiệm vụ: chọn một kế hoạch hoặc một đơn vị ở bộ lọc trên để xem nhắc việc "
            "sắp tới.</p>\n";
    return body + sent_sections(config, journal);
  }
  auto upcoming = schedule::reminders_between(
      config, now, now + date::days{30},
      [&](const config::Plan& plan, const config::Task& task) { return keeps(filter, plan, task); },
      extensions);
  std::erase_if(upcoming, [&](const schedule::Reminder& r) {
    if (!filter.unit.empty() && r.unit->id != filter.unit) return true;
    auto it = latest.find(r.assignment().to_string());
    return it != latest.end() && it->second.confirmed;
  });
  body += "<h2>Nhắc việc sắp tới (30 ngày)</h2>\n";
  if (upcoming.empty()) {
    body += "<p>Không có.</p>\n";
  } else {
    body +=
        "<table id=\"upcoming\">\n<tr><th>Lúc</th><th>Nhiệm vụ</th><th>Mốc</th><th>Gửi "
        "tới</th></tr>\n";
    for (std::size_t i = 0; i < upcoming.size() && i < k_upcoming_shown; ++i) {
      const auto& r = upcoming[i];
      std::string title =
          r.task->title + (r.occurrence_name.empty() ? "" : " " + r.occurrence_name);
      body += "<tr>" + cell(when(config, r.at)) + cell(title) + cell(message::stage_label(r)) +
              cell(r.addressee().name) + "</tr>\n";
    }
    body += "</table>\n";
    if (upcoming.size() > k_upcoming_shown) {
      body += "<p class=\"muted\">… và " + std::to_string(upcoming.size() - k_upcoming_shown) +
              " thư nữa.</p>\n";
    }
  }

  return body + sent_sections(config, journal);
}

}  // namespace

Response status_page(Backend& backend, const Request& request) {
  auto config = backend.config();
  auto gate = desk_login(config->http, request);
  if (auto* refused = std::get_if<Response>(&gate)) return std::move(*refused);
  const OfficeLogin* login = &std::get<OfficeLogin>(gate);
  std::string_view target = request.target;
  auto question = target.find('?');
  std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);
  Response r;
  // Built on the background thread, with a read-only journal connection of its own.
  DeskForms forms{desk_csrf(config->http, login->id), std::string(query)};
  r.deferred = [config, extensions = backend.extensions(), filter = desk_filter(query),
                forms = std::move(forms), login = login->name, now = backend.now(),
                open_journal =
                    backend.journal().reader(std::chrono::seconds{2})](Response& response) {
    response.body = page("Theo dõi nhiệm vụ", status_body(*config, open_journal, *extensions,
                                                          filter, forms, login, now));
  };
  return r;
}

}  // namespace deadlined::http
