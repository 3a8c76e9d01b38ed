#include <algorithm>
#include <filesystem>
#include <vector>

#include "codec/hmac.hpp"
#include "codec/token.hpp"
#include "http/pages.hpp"
#include "message/outbound.hpp"
#include "message/time_format.hpp"
#include "schedule/assignment.hpp"
#include "schedule/schedule.hpp"
#include "util/utf8.hpp"

namespace deadlined::http {
namespace {

/// Deadlines this far ahead are in the feed...
constexpr date::days k_horizon{400};
/// ...at most this many, the nearest first (a unit with 5,000 monthly tasks had a 34 MB feed).
constexpr std::size_t k_max_events = 1000;
/// RFC 5545 3.1: lines of at most 75 octets.
constexpr std::size_t k_line_octets = 75;

/// TEXT escaping of RFC 5545 3.3.11.
std::string escape_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

/// One content line, folded at 75 octets without splitting a UTF-8 character, CRLF-ended.
std::string line(std::string_view content) {
  std::string out;
  std::size_t width = 0;
  for (std::string_view character : util::utf8_characters(content)) {
    std::size_t length = character.size();
    if (width + length > k_line_octets) {
      out += "\r\n ";
      width = 1;
    }
    out.append(character);
    width += length;
  }
  return out + "\r\n";
}

std::string utc(config::SysSeconds t) {
  return date::format("%Y%m%dT%H%M%SZ", t);
}

std::string query_value(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, name.size()) == name && pair.size() > name.size() &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

/// An open deadline of the feed's unit.
struct Entry {
  config::SysSeconds due;
  const config::Plan* plan;
  const config::Task* task;
  std::string occurrence;
  std::string name;
  config::SysSeconds own_due{};  ///< the occurrence's own, when an extension moved `due`
};

/// The feed of `unit`'s open deadlines at `now`: the k_max_events nearest within k_horizon
/// (and the overdue ones still chased) that the journal has not seen confirmed.
/// A part with an extension is at its deadline in force (`extensions`).
std::string feed(const config::Config& config, const config::Unit& unit, config::SysSeconds now,
                 const schedule::Extensions& extensions,
                 const journal::Store::Opener& open_journal) {
  const calendar::WorkCalendar& calendar = *config.calendar;
  std::vector<Entry> entries;
  for (const config::Plan& plan : config.plans) {
    for (const config::Task& task : plan.tasks) {
      if (!schedule::role_in(task, unit.id)) continue;
      schedule::Occurrences occurrences(config, calendar, plan, task);
      // Overdue deadlines stay in the feed while they are chased (see chase_end).
      auto from = now - schedule::chase_look_back(task.chase) - extensions.reach();
      for (auto o = occurrences.first_due_from(from); o && o->due <= now + k_horizon;
           o = occurrences.at(o->index + 1)) {
        auto due = extensions.deadline({plan.id, task.id, o->id, unit.id}, o->due);
        if (now <= schedule::chase_end(config, calendar, task, due) && due <= now + k_horizon)
          entries.push_back({due, &plan, &task, o->id, o->name, o->due});
        if (!occurrences.recurring()) break;
      }
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.due < b.due; });
  std::unique_ptr<journal::Store> reader = open_journal();
  journal::Store& journal = *reader;
  std::string out = line("BEGIN:VCALENDAR") + line("VERSION:2.0") +
                    line("PRODID:-//deadlined//nhac viec//VI") + line("CALSCALE:GREGORIAN") +
                    line("METHOD:PUBLISH") +
                    line("X-WR-CALNAME:" + escape_text("Hạn nhiệm vụ: " + unit.name)) +
                    line("X-WR-TIMEZONE:" + config.service.timezone);
  std::size_t events = 0;
  for (const Entry& e : entries) {
    if (events == k_max_events) break;
    const ids::AssignmentId id{e.plan->id, e.task->id, e.occurrence, unit.id};
    if (journal.is_confirmed(id)) continue;
    ++events;
    bool responsible = schedule::role_in(*e.task, unit.id) == schedule::Role::responsible;
    std::string title = e.task->title + (e.name.empty() ? "" : " " + e.name);
    std::string description = "Kế hoạch: " + e.plan->title + "\n" +
                              (responsible ? "Chủ trì thực hiện" : "Phối hợp thực hiện") +
                              (e.task->detail.empty() ? "" : "\n" + e.task->detail);
    if (e.own_due != e.due) {
      description += "\nĐã được gia hạn; thời hạn ban đầu: " +
                     message::vn_time(config.service.zone, e.own_due) + " ngày " +
                     message::vn_date(config.service.zone, e.own_due);
    }
    auto url = message::confirmation_url(config, id, e.due);
    if (url) description += "\nXác nhận hoàn thành: " + *url;
    out += line("BEGIN:VEVENT");
    out += line("UID:" + id.to_string() + "@deadlined");
    out += line("DTSTAMP:" + utc(now));
    out += line("DTSTART:" + utc(e.due - std::chrono::minutes{30}));
    out += line("DTEND:" + utc(e.due));
    out += line("SUMMARY:" + escape_text("Hạn: " + title));
    out += line("DESCRIPTION:" + escape_text(description));
    if (url) out += line("URL:" + *url);
    out += line("TRANSP:TRANSPARENT");
    out += line("END:VEVENT");
  }
  return out + line("END:VCALENDAR");
}

}  // namespace

Response calendar_feed(Backend& backend, const Request& request, std::string_view file) {
  auto config = backend.config();
  const std::string& secret = config->http.secret.value;
  auto not_found = [] {
    return html_response(404, message_page("Không tìm thấy", "Không có lịch này."));
  };
  constexpr std::string_view k_suffix = ".ics";
  if (file.size() <= k_suffix.size() || file.substr(file.size() - k_suffix.size()) != k_suffix)
    return not_found();
  std::string unit_id(file.substr(0, file.size() - k_suffix.size()));
  std::string token = query_value(request.target, "token");
  if (!codec::constant_time_equal(token, codec::derived_token(secret, "ics", unit_id)))
    return not_found();
  const config::Unit* unit = config->find_unit(unit_id);
  if (!unit) return not_found();

  Response r;
  r.content_type = "text/calendar; charset=utf-8";
  // Built on a worker thread, with a read-only journal connection of its own.
  r.deferred = [config, unit, extensions = backend.extensions(), now = backend.now(),
                open_journal =
                    backend.journal().reader(std::chrono::seconds{2})](Response& response) {
    response.body = feed(*config, *unit, now, *extensions, open_journal);
  };
  return r;
}

}  // namespace deadlined::http
