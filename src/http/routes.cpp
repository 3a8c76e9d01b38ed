#include <spdlog/spdlog.h>

#include <algorithm>
#include <variant>

#include "codec/hmac.hpp"
#include "codec/token.hpp"
#include "http/desk_actions.hpp"
#include "http/desk_downloads.hpp"
#include "http/desk_record.hpp"
#include "http/extensions.hpp"
#include "http/forms.hpp"
#include "http/http.hpp"
#include "http/pages.hpp"
#include "message/time_format.hpp"
#include "schedule/assignment.hpp"
#include "schedule/schedule.hpp"
#include "util/utf8.hpp"

namespace deadlined::http {
namespace {

Response html(int status, std::string body) {
  return html_response(status, std::move(body));
}

Response text(int status, std::string body) {
  return text_response(status, std::move(body));
}

void add_security_headers(Response& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  // Not "no-referrer": under it browsers send "Origin: null" with the confirmation form.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'");
}

Response ack(Backend& backend, const Request& request, std::string_view token) {
  auto config = backend.config();
  const config::HttpConfig& http = config->http;
  const SysSeconds now = backend.now();
  auto verified = codec::verify_ack(http.secret.value, token, now.time_since_epoch().count());
  if (const auto* error = std::get_if<codec::TokenError>(&verified)) {
    if (*error == codec::TokenError::expired) {
      return html(410, message_page("Liên kết đã hết hạn",
                                    "Liên kết xác nhận này đã hết hạn. Xin liên hệ Văn phòng để "
                                    "được ghi nhận trực tiếp."));
    }
    return html(404, message_page("Liên kết không hợp lệ",
                                  "Liên kết xác nhận không đúng hoặc đã bị thay đổi. Xin mở lại "
                                  "đúng liên kết trong thư nhắc việc."));
  }
  const codec::AckClaim& claim = std::get<codec::AckClaim>(verified);
  auto gone = [] {
    return html(404, message_page("Không tìm thấy nhiệm vụ",
                                  "Nhiệm vụ này không còn trong kế hoạch đang theo dõi."));
  };
  const ids::AssignmentId target{claim.plan, claim.task, claim.occurrence, claim.unit};
  // Only a unit with a part in the task may confirm it, as with `deadlined ack`.
  auto resolved = schedule::resolve(*config, target);
  if (!std::holds_alternative<schedule::Assignment>(resolved)) return gone();
  const auto& [plan, task, unit, occurrence, role] = std::get<schedule::Assignment>(resolved);
  journal::Store& journal = backend.journal();
  // The form's token is bound to the link and to how many times the Office has reopened the
  // task: a POST captured before a reopening cannot confirm it again, and a second click on
  // the same page stays harmless.
  const auto trail = journal.history(target);
  const auto reopenings = std::count_if(
      trail.begin(), trail.end(), [](const journal::Confirmation& c) { return !c.confirmed; });
  const std::string csrf = codec::derived_token(
      http.secret.value, "csrf", std::string(token) + "#" + std::to_string(reopenings));

  if (request.method == "POST") {
    auto form = parse_form(request.body);
    bool csrf_ok = codec::constant_time_equal(form["csrf"], csrf);
    if (!same_origin(request, http.public_url) || !csrf_ok) {
      return html(403, message_page("Không thể xác nhận",
                                    "Yêu cầu xác nhận không đến từ trang xác nhận, hoặc trang "
                                    "đã cũ. Xin mở lại liên kết trong thư nhắc việc rồi bấm nút "
                                    "xác nhận."));
    }
    if (form["action"] == "extend") {
      if (role != schedule::Role::responsible) {
        return html(403, message_page("Không thể đề nghị gia hạn",
                                      "Đơn vị phối hợp không đề nghị gia hạn; đơn vị chủ trì "
                                      "thực hiện nhiệm vụ đề nghị gia hạn."));
      }
      return request_extension(backend, request, form, target, occurrence.due,
                               http.public_url + "/ack/" + std::string(token));
    }
    if (!util::valid_utf8(form["note"])) {
      return html(400, message_page("Ghi chú không hợp lệ",
                                    "Ghi chú có ký tự không đọc được (không phải UTF-8). Xin "
                                    "nhập lại ghi chú rồi bấm nút xác nhận."));
    }
    if (!journal.is_confirmed(target)) {
      std::string client = client_of(request, http.trust_proxy);
      journal.record({target, true, now, "link", client, clean_note(form["note"])});
      spdlog::info("{}: confirmed the task done (link, from {})", target.to_string(), client);
    }
    Response r = html(303, message_page("Đã xác nhận", "Đã ghi nhận xác nhận."));
    r.headers.emplace_back("Location", http.public_url + "/ack/" + std::string(token));
    return r;
  }

  const auto* zone = config->service.zone;
  std::string title = task->title + (occurrence.name.empty() ? "" : " " + occurrence.name);
  std::string body = "<h1>Xác nhận hoàn thành nhiệm vụ</h1>\n<table>\n";
  auto row = [&](std::string_view label, const std::string& value) {
    body += "<tr><th>" + escape_html(label) + "</th><td>" + escape_html(value) + "</td></tr>\n";
  };
  row("Kế hoạch", (plan->number.empty() ? "" : plan->number + ": ") + plan->title);
  row("Nhiệm vụ", title);
  row("Đơn vị", unit->name);
  auto extensions = backend.extensions();
  row("Thời hạn", deadline_text(*config, *extensions, target, occurrence.due));
  body += "</table>\n";
  auto latest = journal.latest(target);
  if (latest && latest->confirmed) {
    body += "<p class=\"ok\">Đã xác nhận hoàn thành lúc " +
            escape_html(message::vn_time(zone, latest->at) + " ngày " +
                        message::vn_date(zone, latest->at)) +
            ".</p>\n";
    if (!latest->note.empty()) body += "<p>Ghi chú: " + escape_html(latest->note) + "</p>\n";
    body += "<p class=\"muted\">Đơn vị sẽ không nhận thêm thư nhắc cho nhiệm vụ này.</p>\n";
  } else {
    if (latest) {
      body +=
          "<p class=\"warn\">Văn phòng đã mở lại nhiệm vụ này; xin xác nhận lại khi hoàn "
          "thành.</p>\n";
    }
    body +=
        "<form method=\"post\">\n<input type=\"hidden\" name=\"csrf\" value=\"" +
        escape_html(csrf) +
        "\">\n<p><label for=\"note\">Ghi chú (không bắt buộc), ví dụ số văn bản báo cáo đã "
        "gửi:</label><br>\n<textarea id=\"note\" name=\"note\" maxlength=\"500\"></textarea></p>\n"
        "<p><button type=\"submit\">Xác nhận đã hoàn thành</button></p>\n</form>\n";
    if (role == schedule::Role::responsible)
      body += extension_section(*config, *extensions, journal, target, occurrence.due, csrf, now);
  }
  return html(200, page("Xác nhận hoàn thành: " + title, body));
}

std::string label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

Response metrics(Backend& backend) {
  Metrics m = backend.metrics();
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  family("deadlined_deliveries_total", "counter",
         "Deliveries finished since start, by channel and outcome.");
  for (const auto& [channel, c] : m.channels) {
    out += "deadlined_deliveries_total{channel=\"" + label_value(channel) +
           "\",outcome=\"delivered\"} " + std::to_string(c.delivered) + "\n";
    out += "deadlined_deliveries_total{channel=\"" + label_value(channel) +
           "\",outcome=\"failed\"} " + std::to_string(c.failed) + "\n";
  }
  family("deadlined_retries_total", "counter", "Failed attempts scheduled again, by channel.");
  for (const auto& [channel, c] : m.channels) {
    out += "deadlined_retries_total{channel=\"" + label_value(channel) + "\"} " +
           std::to_string(c.retries) + "\n";
  }
  family("deadlined_provider_quota_remaining", "gauge",
         "The daily quota left, as the provider's last answer said it (Zalo ZNS), by channel.");
  for (const auto& [channel, c] : m.channels) {
    if (c.quota_remaining)
      out += "deadlined_provider_quota_remaining{channel=\"" + label_value(channel) + "\"} " +
             std::to_string(*c.quota_remaining) + "\n";
  }
  family("deadlined_channel_disabled", "gauge",
         "1 while a webhook is disabled because its receiver answered 410 Gone.");
  for (const auto& [channel, disabled] : m.channel_disabled) {
    out += "deadlined_channel_disabled{channel=\"" + label_value(channel) + "\"} " +
           (disabled ? "1" : "0") + "\n";
  }
  family("deadlined_queue_size", "gauge", "Reminders, retries and reports waiting.");
  out += "deadlined_queue_size " + std::to_string(m.queued) + "\n";
  family("deadlined_in_flight", "gauge", "Sends running or waiting for their channel.");
  out += "deadlined_in_flight " + std::to_string(m.in_flight) + "\n";
  if (m.next_event) {
    family("deadlined_next_event_timestamp_seconds", "gauge",
           "When the next reminder or retry is due (Unix time).");
    out += "deadlined_next_event_timestamp_seconds " +
           std::to_string(m.next_event->time_since_epoch().count()) + "\n";
  }
  family("deadlined_config_reloads_total", "counter", "Configuration reloads, by result.");
  out +=
      "deadlined_config_reloads_total{result=\"success\"} " + std::to_string(m.reloads_ok) + "\n";
  out += "deadlined_config_reloads_total{result=\"failure\"} " + std::to_string(m.reloads_failed) +
         "\n";
  family("deadlined_config_last_reload_success", "gauge",
         "1 when the last reload (or the start) succeeded.");
  out += "deadlined_config_last_reload_success " + std::string(m.last_reload_ok ? "1" : "0") + "\n";
  family("deadlined_journal_failing", "gauge",
         "1 while the journal's last operation failed and nothing has committed since.");
  out += std::string("deadlined_journal_failing ") + (m.journal_failing ? "1" : "0") + "\n";
  family("deadlined_journal_size_bytes", "gauge",
         "Size of the journal: its file and its write-ahead log.");
  out += "deadlined_journal_size_bytes " + std::to_string(m.journal_bytes) + "\n";
  Response r = text(200, std::move(out));
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

Response route(Backend& backend, const Request& request) {
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  // HEAD is answered as GET (the server sends the head only).
  bool get = request.method == "GET" || request.method == "HEAD";
  auto method_not_allowed = [](const char* allow) {
    Response r = text(405, "Phương thức không được hỗ trợ.\n");
    r.headers.emplace_back("Allow", allow);
    return r;
  };
  if (path == "/healthz") {
    if (!get) return method_not_allowed("GET, HEAD");
    // A journal that cannot be written means nothing can be sent safely.
    if (backend.journal().failing()) return text(503, "journal failing\n");
    return text(200, "ok\n");
  }
  if (path == "/metrics") return get ? metrics(backend) : method_not_allowed("GET, HEAD");
  if (path == "/status/confirm")
    return request.method == "POST" ? desk_action(backend, request) : method_not_allowed("POST");
  if (path == "/status/extend")
    return request.method == "POST" ? extension_action(backend, request)
                                    : method_not_allowed("POST");
  if (path == "/status/report")
    return get ? report_download(backend, request) : method_not_allowed("GET, HEAD");
  if (path == "/status/record")
    return get ? record_page(backend, request) : method_not_allowed("GET, HEAD");
  if (path == "/" || path == "/status")
    return get ? status_page(backend, request) : method_not_allowed("GET, HEAD");
  constexpr std::string_view k_calendar = "/calendar/";
  if (path.substr(0, k_calendar.size()) == k_calendar) {
    if (!get) return method_not_allowed("GET, HEAD");
    return calendar_feed(backend, request, path.substr(k_calendar.size()));
  }
  constexpr std::string_view k_ack = "/ack/";
  if (path.substr(0, k_ack.size()) == k_ack) {
    if (!get && request.method != "POST") return method_not_allowed("GET, HEAD, POST");
    return ack(backend, request, path.substr(k_ack.size()));
  }
  return html(404, message_page("Không tìm thấy", "Không có trang này."));
}

}  // namespace

std::string Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void complete(Response& response) {
  if (!response.deferred) return;
  auto work = std::move(response.deferred);
  response.deferred = nullptr;
  work(response);
}

Response handle(Backend& backend, const Request& request) {
  Response response = route(backend, request);
  add_security_headers(response);
  return response;
}

}  // namespace deadlined::http
