#include "http/desk_record.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "http/forms.hpp"
#include "http/office_login.hpp"
#include "http/pages.hpp"
#include "journal/store.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/occurrence.hpp"

namespace deadlined::http {
namespace {

std::string when(const config::Config& config, config::SysSeconds t) {
  return message::vn_time(config.service.zone, t) + " " + message::vn_date(config.service.zone, t);
}

/// An attempt's outcome in words, and the class of the desk's list that colours it.
std::pair<std::string_view, std::string_view> outcome_of(const journal::Attempt& a) {
  std::string_view code = a.outcome ? std::string_view(*a.outcome) : std::string_view();
  if (code == "delivered") return {"Đã gửi", "on-time"};
  if (code == "retry") return {"Gửi lại sau", "late"};
  if (code == "failed") return {"Không gửi được", "overdue"};
  return {"Đang gửi", "open"};
}

std::string channel_words(const std::string& channel) {
  if (channel == "email") return "Thư điện tử";
  constexpr std::string_view k_webhook = "webhook:";
  if (channel.rfind(k_webhook, 0) == 0) return "Webhook " + channel.substr(k_webhook.size());
  return channel;
}

std::string unit_name(const config::Config& config, const std::string& id) {
  const config::Unit* unit = config.find_unit(id);
  return unit ? unit->name : id;
}

/// What the record is of: the occurrence `id` of a configured task.
struct RecordOf {
  const config::Plan* plan = nullptr;
  const config::Task* task = nullptr;
  schedule::Occurrence occurrence;
};

std::optional<RecordOf> find_record(const config::Config& config, const std::string& plan_id,
                                    const std::string& task_id, const std::string& id) {
  auto plan = std::find_if(config.plans.begin(), config.plans.end(),
                           [&](const config::Plan& p) { return p.id == plan_id; });
  if (plan == config.plans.end() || id.empty()) return std::nullopt;
  const config::Task* task = plan->find_task(task_id);
  if (!task) return std::nullopt;
  auto occurrence = schedule::Occurrences(config, *config.calendar, *plan, *task).find(id);
  if (!occurrence) return std::nullopt;
  return RecordOf{&*plan, task, std::move(*occurrence)};
}

std::string attempt_item(const config::Config& config, const journal::Attempt& a) {
  auto [words, css] = outcome_of(a);
  std::string out =
      "<li class=\"st-" + std::string(css) + "\"><span class=\"unit\">" +
      escape_html(when(config, a.started_at)) + " · " + escape_html(unit_name(config, a.unit)) +
      "</span> <span class=\"state\">" + escape_html(words) + "</span>\n<div>" +
      escape_html(message::stage_label(config, a.stage)) + " · " +
      escape_html(channel_words(a.channel)) + "</div>\n<div class=\"muted\">Gửi tới " +
      escape_html(a.address ? *a.address : "(không được ghi lại)");
  if (a.number > 1) out += " · lần thử thứ " + std::to_string(a.number);
  out += "</div>\n";
  if (!a.error.empty()) out += "<div class=\"warn\">Lỗi: " + escape_html(a.error) + "</div>\n";
  return out + "<details class=\"keys\"><summary>Mã kỹ thuật</summary><code>" +
         escape_html(a.reminder_key + " · " + a.channel + " · " + a.stage) +
         "</code></details></li>\n";
}

std::string confirmation_item(const config::Config& config, const journal::Confirmation& c) {
  std::string out = std::string("<li class=\"st-") + (c.confirmed ? "on-time" : "open") +
                    "\"><span class=\"unit\">" + escape_html(when(config, c.at)) +
                    "</span> <span class=\"state\">" +
                    (c.confirmed ? "Xác nhận hoàn thành" : "Mở lại") + "</span>\n<div>" +
                    escape_html(actor_words(config, c.actor)) + "</div>\n";
  if (c.confirmed && (!c.document.empty() || c.received_at)) {
    std::string said = "Đã nhận báo cáo" + (c.document.empty() ? "" : " số " + c.document);
    if (c.received_at) said += " lúc " + when(config, *c.received_at);
    out += "<div class=\"muted\">" + escape_html(said) + "</div>\n";
  }
  if (!c.note.empty()) out += "<div class=\"note\">" + escape_html(c.note) + "</div>\n";
  return out + "</li>\n";
}

/// The record's page: a heading to print, the attempts in time order, then each unit's
/// trail of confirmations.
std::string record_body(const config::Config& config, const journal::Store::Opener& open_journal,
                        const RecordOf& record, const std::string& login, config::SysSeconds now) {
  std::unique_ptr<journal::Store> reader = open_journal();
  journal::Store& journal = *reader;
  const config::Task& task = *record.task;
  const schedule::Occurrence& o = record.occurrence;
  std::vector<journal::Attempt> attempts =
      journal.attempts(journal::AttemptFilter{record.plan->id, task.id, "", {}, {}});
  std::erase_if(attempts, [&](const journal::Attempt& a) { return a.occurrence != o.id; });

  std::string title = task.title + (o.name.empty() ? "" : " " + o.name);
  std::string body = "<p class=\"muted\">" + escape_html(record.plan->title) +
                     "</p>\n<h1>Lịch sử đôn đốc: " + escape_html(title) + "</h1>\n<p>Hạn " +
                     escape_html(when(config, o.due)) + "</p>\n<p class=\"muted\">Trích xuất lúc " +
                     escape_html(when(config, now)) + " · Đăng nhập: " + escape_html(login) +
                     " · <a href=\"/status\">Về trang theo dõi</a></p>\n";

  body += "<h2>Các lần gửi nhắc việc</h2>\n";
  if (attempts.empty()) {
    body += "<p>Chưa gửi nhắc việc nào cho kỳ nhiệm vụ này.</p>\n";
  } else {
    std::size_t delivered = static_cast<std::size_t>(
        std::count_if(attempts.begin(), attempts.end(),
                      [](const journal::Attempt& a) { return a.outcome == "delivered"; }));
    body += "<p class=\"muted\">" + std::to_string(attempts.size()) + " lần gửi, " +
            std::to_string(delivered) + " lần đã gửi được.</p>\n<ul class=\"units\" " +
            "id=\"attempts\">\n";
    for (const journal::Attempt& a : attempts)
      body += attempt_item(config, a);
    body += "</ul>\n";
  }

  body += "<h2>Xác nhận của các đơn vị</h2>\n";
  std::vector<std::string> units = task.responsible;
  for (const std::string& id : task.coordinating)
    if (std::find(units.begin(), units.end(), id) == units.end()) units.push_back(id);
  for (const std::string& id : units) {
    ids::AssignmentId target{record.plan->id, task.id, o.id, id};
    std::vector<journal::Confirmation> trail = journal.history(target);
    const bool responsible =
        std::find(task.responsible.begin(), task.responsible.end(), id) != task.responsible.end();
    if (trail.empty() && !responsible) continue;
    body += "<h3>" + escape_html(unit_name(config, id)) + "</h3>\n";
    if (trail.empty()) {
      body += "<p class=\"muted\">Chưa có xác nhận.</p>\n";
    } else {
      body += "<ul class=\"units confirmations\">\n";
      for (const journal::Confirmation& c : trail)
        body += confirmation_item(config, c);
      body += "</ul>\n";
    }
    body += "<details class=\"keys\"><summary>Mã kỹ thuật</summary><code>" +
            escape_html(target.to_string()) + "</code></details>\n";
  }
  return body;
}

}  // namespace

std::string query_value(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0F];
    }
  }
  return out;
}

std::string actor_words(const config::Config& config, const std::string& actor) {
  if (actor == "link") return "Đơn vị xác nhận qua liên kết";
  constexpr std::string_view k_cli = "cli:";
  constexpr std::string_view k_office = "office:";
  if (actor.rfind(k_cli, 0) == 0)
    return "Văn phòng ghi nhận bằng dòng lệnh (" + actor.substr(k_cli.size()) + ")";
  if (actor.rfind(k_office, 0) == 0) {
    std::string id = actor.substr(k_office.size());
    std::string name = id == "admin" ? "Quản trị" : id;
    for (const config::OfficeAccount& account : config.http.office)
      if (account.id == id) name = account.name;
    return "Văn phòng ghi nhận (" + name + ")";
  }
  return actor;
}

std::string record_href(const schedule::OpenOccurrence& o) {
  return "/status/record?plan=" + query_value(o.plan->id) + "&task=" + query_value(o.task->id) +
         "&occurrence=" + query_value(o.occurrence);
}

Response record_page(Backend& backend, const Request& request) {
  auto config = backend.config();
  auto login = desk_login(config->http, request);
  if (auto* refused = std::get_if<Response>(&login)) return std::move(*refused);

  std::string_view target = request.target;
  auto question = target.find('?');
  auto fields = parse_form(question == std::string_view::npos ? "" : target.substr(question + 1));
  auto record = find_record(*config, fields["plan"], fields["task"], fields["occurrence"]);
  if (!record) {
    return html_response(404, message_page("Không tìm thấy",
                                           "Không có kỳ nhiệm vụ này trong cấu hình: kế hoạch, "
                                           "nhiệm vụ hoặc kỳ đã đổi. Xin mở lại từ trang theo "
                                           "dõi."));
  }
  Response r;
  // Built on the background thread, with a read-only journal connection of its own.
  r.deferred = [config, record = std::move(*record), login = std::get<OfficeLogin>(login).name,
                now = backend.now(),
                open_journal =
                    backend.journal().reader(std::chrono::seconds{2})](Response& response) {
    response.body = page("Lịch sử đôn đốc", record_body(*config, open_journal, record, login, now));
  };
  return r;
}

}  // namespace deadlined::http
