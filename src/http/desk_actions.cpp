#include "http/desk_actions.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <variant>

#include "codec/hmac.hpp"
#include "codec/token.hpp"
#include "http/forms.hpp"
#include "http/office_login.hpp"
#include "http/pages.hpp"
#include "journal/store.hpp"
#include "message/time_format.hpp"
#include "schedule/assignment.hpp"
#include "schedule/chase.hpp"
#include "util/utf8.hpp"

namespace deadlined::http {
namespace {

constexpr std::size_t k_max_document = 100;
constexpr std::size_t k_max_back = 300;

std::string hidden(const std::string& name, const std::string& value) {
  return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape_html(value) + "\">";
}

/// "YYYY-MM-DDTHH:MM" of `t` in the service zone, as an input of type datetime-local takes.
std::string local_input(const config::Config& config, config::SysSeconds t) {
  auto local = config.service.zone->to_local(date::floor<std::chrono::minutes>(t));
  return date::format("%FT%H:%M", local);
}

/// The instant of a datetime-local value in the service zone.
std::optional<config::SysSeconds> parse_local(const config::Config& config,
                                              const std::string& text) {
  std::istringstream in(text);
  date::local_seconds local;
  in >> date::parse("%FT%H:%M", local);
  if (in.fail()) return std::nullopt;
  return config.service.zone->to_sys(local, date::choose::earliest);
}

/// The desk's query to return to: only what desk filters are made of.
std::string safe_back(const std::string& back) {
  bool ok = back.size() <= k_max_back && std::all_of(back.begin(), back.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     std::string_view("-_.~%&=+").find(c) != std::string_view::npos;
            });
  return ok ? back : std::string();
}

Response page_response(int status, const char* title, const std::string& message) {
  return html_response(status, message_page(title, message));
}

}  // namespace

std::string extension_form(const ids::AssignmentId& target,
                           const schedule::ExtensionRequest* pending, config::SysSeconds deadline,
                           const config::Config& config, const DeskForms& forms) {
  const date::local_days first = schedule::local_day_of(config, deadline) + date::days{1};
  std::string until = pending ? date::format("%F", pending->until) : std::string();
  std::string out =
      std::string("<details class=\"act\"") + (pending ? " open" : "") + "><summary>" +
      (pending ? "Xử lý đề nghị gia hạn" : "Gia hạn") +
      "</summary>\n<form method=\"post\" action=\"/status/extend\">" + hidden("csrf", forms.csrf) +
      hidden("back", forms.back) + hidden("plan", target.plan) + hidden("task", target.task) +
      hidden("occurrence", target.occurrence) + hidden("unit", target.unit) +
      "\n<label>Gia hạn đến ngày <input type=\"date\" name=\"until\" min=\"" +
      date::format("%F", first) + "\" value=\"" + until +
      "\"></label>\n<label>Ý kiến <textarea name=\"note\" maxlength=\"500\"></textarea></label>\n"
      "<button type=\"submit\" name=\"decision\" value=\"approve\">Đồng ý gia hạn</button>\n";
  if (pending) {
    out +=
        "<button type=\"submit\" name=\"decision\" value=\"refuse\" formnovalidate>Không "
        "chấp thuận</button>\n";
  }
  return out + "</form></details>";
}

std::string desk_csrf(const config::HttpConfig& http, const std::string& login_id) {
  return codec::derived_token(http.secret.value, "desk", login_id);
}

std::string action_form(const config::Config& config, const ids::AssignmentId& target, bool done,
                        const DeskForms& forms, config::SysSeconds now) {
  std::string out =
      std::string("<details class=\"act\"><summary>") + (done ? "Mở lại" : "Ghi nhận thay đơn vị") +
      "</summary>\n<form method=\"post\" action=\"/status/confirm\">" + hidden("csrf", forms.csrf) +
      hidden("back", forms.back) + hidden("plan", target.plan) + hidden("task", target.task) +
      hidden("occurrence", target.occurrence) + hidden("unit", target.unit) +
      hidden("action", done ? "reopen" : "confirm") + "\n";
  if (!done) {
    out +=
        "<label>Số văn bản <input name=\"document\" maxlength=\"100\" "
        "placeholder=\"45/BC-PKHTC\"></label>\n<label>Thời điểm nhận <input "
        "type=\"datetime-local\" name=\"received\" value=\"" +
        local_input(config, now) + "\"></label>\n";
  }
  out += std::string(
             "<label>Ghi chú <textarea name=\"note\" maxlength=\"500\"></textarea>"
             "</label>\n<button type=\"submit\">") +
         (done ? "Mở lại để nhắc tiếp" : "Đã nhận báo cáo") + "</button>\n</form></details>";
  return out;
}

namespace {

/// A desk POST that has passed the gate: the account, the form and the part it is about.
struct Gated {
  std::shared_ptr<const config::Config> config;
  OfficeLogin login;
  std::map<std::string, std::string> form;
  ids::AssignmentId target;
  schedule::Assignment assignment;
};

/// The desk on, the Office's login, our own origin, the form's CSRF token and a part the
/// config knows; else the response that refuses.
std::variant<Gated, Response> gate(Backend& backend, const Request& request) {
  auto config = backend.config();
  const config::HttpConfig& http = config->http;
  auto who = desk_login(http, request);
  if (auto* refused = std::get_if<Response>(&who)) return std::move(*refused);
  auto* login = &std::get<OfficeLogin>(who);
  auto form = parse_form(request.body);
  if (!same_origin(request, http.public_url) ||
      !codec::constant_time_equal(form["csrf"], desk_csrf(http, login->id))) {
    return page_response(403, "Không thể ghi nhận",
                         "Yêu cầu không đến từ trang theo dõi, hoặc trang đã cũ. Xin tải lại "
                         "trang theo dõi rồi ghi nhận lại.");
  }
  ids::AssignmentId target{form["plan"], form["task"], form["occurrence"], form["unit"]};
  auto resolved = schedule::resolve(*config, target);
  if (!std::holds_alternative<schedule::Assignment>(resolved)) {
    return page_response(404, "Không tìm thấy nhiệm vụ",
                         "Đơn vị không có phần việc này trong kế hoạch đang theo dõi.");
  }
  return Gated{std::move(config), std::move(*login), std::move(form), std::move(target),
               std::get<schedule::Assignment>(std::move(resolved))};
}

/// Back to the desk, with its filters.
Response back_to_desk(const config::HttpConfig& http, std::map<std::string, std::string>& form) {
  Response r = page_response(303, "Đã ghi nhận", "Đã ghi nhận.");
  std::string back = safe_back(form["back"]);
  r.headers.emplace_back("Location",
                         http.public_url + "/status" + (back.empty() ? "" : "?" + back));
  return r;
}

}  // namespace

Response desk_action(Backend& backend, const Request& request) {
  auto gated = gate(backend, request);
  if (auto* refused = std::get_if<Response>(&gated)) return std::move(*refused);
  auto& [config, login_account, form, target, assignment] = std::get<Gated>(gated);
  const config::HttpConfig& http = config->http;
  const OfficeLogin* login = &login_account;
  const bool confirm = form["action"] != "reopen";
  for (const char* field : {"note", "document"}) {
    if (!util::valid_utf8(form[field])) {
      return page_response(400, "Nội dung không hợp lệ",
                           "Số văn bản hoặc ghi chú có ký tự không đọc được (không phải UTF-8).");
    }
  }
  if (form["document"].size() > k_max_document) {
    return page_response(400, "Số văn bản quá dài",
                         "Số văn bản dài tối đa 100 byte, ví dụ 45/BC-PKHTC.");
  }
  const config::SysSeconds now = backend.now();
  std::optional<config::SysSeconds> received;
  if (confirm && !form["received"].empty()) {
    received = parse_local(*config, form["received"]);
    if (!received) {
      return page_response(400, "Thời điểm nhận không hợp lệ",
                           "Thời điểm nhận báo cáo phải có dạng ngày và giờ, ví dụ "
                           "2026-12-02T09:30.");
    }
    if (*received > now + std::chrono::minutes{1}) {
      return page_response(400, "Thời điểm nhận không hợp lệ",
                           "Thời điểm nhận báo cáo không được sau thời điểm hiện tại.");
    }
  }
  journal::Store& journal = backend.journal();
  if (journal.is_confirmed(target) != confirm) {
    journal::Confirmation entry{target,
                                confirm,
                                now,
                                "office:" + login->id,
                                client_of(request, http.trust_proxy),
                                clean_note(form["note"])};
    if (confirm) {
      entry.document = clean_note(form["document"]);
      entry.received_at = received.value_or(now);
    }
    journal.record(entry);
    spdlog::info("{}: {} by office:{} on the desk", target.to_string(),
                 confirm ? "confirmed" : "reopened", login->id);
  }
  return back_to_desk(http, form);
}

Response extension_action(Backend& backend, const Request& request) {
  auto gated = gate(backend, request);
  if (auto* refused = std::get_if<Response>(&gated)) return std::move(*refused);
  auto& [config, login, form, target, assignment] = std::get<Gated>(gated);
  if (assignment.role != schedule::Role::responsible) {
    return page_response(400, "Không thể gia hạn",
                         "Chỉ gia hạn cho đơn vị chủ trì, thực hiện nhiệm vụ.");
  }
  if (!util::valid_utf8(form["note"])) {
    return page_response(400, "Nội dung không hợp lệ",
                         "Ý kiến có ký tự không đọc được (không phải UTF-8).");
  }
  auto extensions = backend.extensions();
  const bool approve = form["decision"] != "refuse";
  journal::ExtensionEntry entry;
  entry.target = target;
  entry.note = clean_note(form["note"]);
  entry.at = backend.now();
  entry.actor = "office:" + login.id;
  entry.origin = client_of(request, config->http.trust_proxy);
  if (approve) {
    auto day = schedule::parse_iso_day(form["until"]);
    if (!day) {
      return page_response(400, "Ngày gia hạn không hợp lệ",
                           "Xin chọn ngày gia hạn, dạng ngày/tháng/năm.");
    }
    std::string problem = schedule::extension_problem(
        *config, extensions->deadline(target, assignment.occurrence.due), *day);
    if (!problem.empty())
      return page_response(400, "Ngày gia hạn không hợp lệ", "Không thể gia hạn: " + problem + ".");
    entry.action = journal::ExtensionEntry::Action::approve;
    entry.until = date::format("%F", *day);
  } else {
    if (!extensions->pending_of(target)) {
      return page_response(409, "Không có đề nghị",
                           "Đơn vị không có đề nghị gia hạn nào đang chờ xử lý.");
    }
    entry.action = journal::ExtensionEntry::Action::refuse;
  }
  backend.journal().record_extension(entry);
  spdlog::info("{}: extension {} by office:{} on the desk{}", target.to_string(),
               approve ? "approved" : "refused", login.id, approve ? " to " + entry.until : "");
  backend.extensions_changed();
  return back_to_desk(config->http, form);
}

}  // namespace deadlined::http
