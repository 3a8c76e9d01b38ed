#include "http/extensions.hpp"

#include <spdlog/spdlog.h>

#include "http/forms.hpp"
#include "http/pages.hpp"
#include "message/time_format.hpp"
#include "schedule/chase.hpp"
#include "util/utf8.hpp"

namespace deadlined::http {
namespace {

schedule::ExtensionEvent::Action action_of(journal::ExtensionEntry::Action action) {
  switch (action) {
    case journal::ExtensionEntry::Action::approve:
      return schedule::ExtensionEvent::Action::approve;
    case journal::ExtensionEntry::Action::refuse:
      return schedule::ExtensionEvent::Action::refuse;
    case journal::ExtensionEntry::Action::request:
      break;
  }
  return schedule::ExtensionEvent::Action::request;
}

std::string when(const config::Config& config, config::SysSeconds t) {
  return message::vn_time(config.service.zone, t) + " ngày " +
         message::vn_date(config.service.zone, t);
}

Response page_response(int status, const char* title, const std::string& message) {
  return html_response(status, message_page(title, message));
}

}  // namespace

std::shared_ptr<const schedule::Extensions> read_extensions(const config::Config& config,
                                                            journal::Store& journal) {
  std::vector<schedule::ExtensionEvent> events;
  for (journal::ExtensionEntry& e : journal.extension_entries()) {
    events.push_back({e.id, std::move(e.target), action_of(e.action), std::move(e.until),
                      std::move(e.note), e.at, std::move(e.actor)});
  }
  return std::make_shared<const schedule::Extensions>(config, events);
}

std::string deadline_text(const config::Config& config, const schedule::Extensions& extensions,
                          const ids::AssignmentId& target, config::SysSeconds due) {
  const schedule::Extension* x = extensions.find(target);
  if (!x) return when(config, due);
  return when(config, x->due) + " (đã được gia hạn; thời hạn ban đầu " + when(config, due) + ")";
}

std::string extension_section(const config::Config& config, const schedule::Extensions& extensions,
                              journal::Store& journal, const ids::AssignmentId& target,
                              config::SysSeconds due, const std::string& csrf,
                              config::SysSeconds now) {
  std::string out;
  const auto trail = journal.extension_history(target);
  if (const auto* pending = extensions.pending_of(target)) {
    return "<p class=\"warn\" id=\"extension\">Đơn vị đã đề nghị gia hạn đến ngày " +
           escape_html(message::vn_date(pending->until)) + " (gửi lúc " +
           escape_html(when(config, pending->at)) +
           "). Văn phòng đang xem xét; kết quả sẽ được thông báo đến đơn vị.</p>\n";
  }
  for (auto it = trail.rbegin(); it != trail.rend(); ++it) {
    if (it->action == journal::ExtensionEntry::Action::request) continue;
    bool approved = it->action == journal::ExtensionEntry::Action::approve;
    auto day = schedule::parse_iso_day(it->until);
    out += std::string("<p class=\"") + (approved ? "ok" : "warn") + "\" id=\"extension\">" +
           escape_html(approved && day
                           ? "Văn phòng đã đồng ý gia hạn đến ngày " + message::vn_date(*day) +
                                 " (lúc " + when(config, it->at) + ")."
                           : "Văn phòng không chấp thuận đề nghị gia hạn (lúc " +
                                 when(config, it->at) + ").") +
           (it->note.empty() ? "" : " Ý kiến: " + escape_html(it->note)) + "</p>\n";
    break;
  }
  const config::SysSeconds in_force = extensions.deadline(target, due);
  const date::local_days first = schedule::local_day_of(config, in_force) + date::days{1};
  const date::local_days today = schedule::local_day_of(config, now);
  out +=
      "<details class=\"act\"><summary>Đề nghị gia hạn</summary>\n<form method=\"post\">\n"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      escape_html(csrf) +
      "\">\n<input type=\"hidden\" name=\"action\" value=\"extend\">\n"
      "<p><label for=\"until\">Đề nghị gia hạn đến ngày:</label><br>\n<input type=\"date\" "
      "id=\"until\" name=\"until\" required min=\"" +
      date::format("%F", std::max(first, today + date::days{1})) +
      "\"></p>\n<p><label for=\"reason\">Lý do đề nghị gia hạn:</label><br>\n<textarea "
      "id=\"reason\" name=\"reason\" maxlength=\"500\" required></textarea></p>\n"
      "<p><button type=\"submit\">Gửi đề nghị gia hạn</button></p>\n</form></details>\n";
  return out;
}

Response request_extension(Backend& backend, const Request& request,
                           std::map<std::string, std::string>& form,
                           const ids::AssignmentId& target, config::SysSeconds due,
                           const std::string& back) {
  auto config = backend.config();
  journal::Store& journal = backend.journal();
  if (journal.is_confirmed(target)) {
    return page_response(409, "Không thể đề nghị gia hạn",
                         "Nhiệm vụ đã được xác nhận hoàn thành nên không cần gia hạn.");
  }
  auto day = schedule::parse_iso_day(form["until"]);
  if (!day) {
    return page_response(400, "Ngày gia hạn không hợp lệ",
                         "Xin chọn ngày đề nghị gia hạn, dạng ngày/tháng/năm.");
  }
  const std::string& reason = form["reason"];
  if (!util::valid_utf8(reason) ||
      clean_note(reason).find_first_not_of(" \n") == std::string::npos) {
    return page_response(400, "Thiếu lý do",
                         "Xin nêu lý do đề nghị gia hạn (văn bản đọc được, tối đa 500 ký tự).");
  }
  auto extensions = backend.extensions();
  std::string problem =
      schedule::extension_problem(*config, extensions->deadline(target, due), *day);
  if (problem.empty() && *day <= schedule::local_day_of(*config, backend.now()))
    problem = "ngày gia hạn phải sau hôm nay";
  if (!problem.empty())
    return page_response(400, "Ngày gia hạn không hợp lệ",
                         "Không thể đề nghị gia hạn: " + problem + ".");
  journal::ExtensionEntry entry;
  entry.target = target;
  entry.action = journal::ExtensionEntry::Action::request;
  entry.until = date::format("%F", *day);
  entry.note = clean_note(reason);
  entry.at = backend.now();
  entry.actor = "link";
  entry.origin = client_of(request, config->http.trust_proxy);
  journal.record_extension(entry);
  spdlog::info("{}: extension to {} requested (link, from {})", target.to_string(), entry.until,
               entry.origin);
  backend.extensions_changed();
  Response r = page_response(303, "Đã gửi đề nghị", "Đã gửi đề nghị gia hạn.");
  r.headers.emplace_back("Location", back);
  return r;
}

}  // namespace deadlined::http
