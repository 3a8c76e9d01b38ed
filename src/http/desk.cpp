#include "http/desk.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "http/desk_downloads.hpp"
#include "http/desk_record.hpp"
#include "http/forms.hpp"
#include "http/pages.hpp"
#include "message/standing_text.hpp"
#include "message/time_format.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::http {
namespace {

using schedule::State;

/// The occurrences shown at most: beyond, the Office narrows the desk by its filters.
constexpr std::size_t k_shown = 300;

/// The state's code in queries and CSS classes.
constexpr std::array<std::pair<State, std::string_view>, 4> k_state_codes{{
    {State::overdue, "overdue"},
    {State::open, "open"},
    {State::late, "late"},
    {State::on_time, "on-time"},
}};

std::string_view code_of(State state) {
  for (const auto& [s, code] : k_state_codes)
    if (s == state) return code;
  return "";
}

/// Overdue first, then open, then done late, then done on time.
int rank(State state) {
  for (std::size_t i = 0; i < k_state_codes.size(); ++i)
    if (k_state_codes[i].first == state) return static_cast<int>(i);
  return 0;
}

std::optional<date::local_days> parse_day(const std::string& text) {
  std::istringstream in(text);
  date::local_days day;
  in >> date::parse("%F", day);
  if (in.fail()) return std::nullopt;
  return day;
}

std::string when(const config::Config& config, config::SysSeconds t) {
  return message::vn_time(config.service.zone, t) + " " + message::vn_date(config.service.zone, t);
}

/// Who recorded a confirmation, as the Office reads it.
std::string actor_label(const config::Config& config, const std::string& actor) {
  if (actor == "link") return "đơn vị xác nhận qua liên kết";
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

struct UnitLine {
  const config::Unit* unit = nullptr;
  std::string id;
  schedule::Standing standing;
  std::optional<journal::Confirmation> latest;
  const schedule::Extension* extension = nullptr;
  const schedule::ExtensionRequest* pending = nullptr;
  config::SysSeconds deadline{};  ///< in force
};

struct OccurrenceBox {
  const schedule::OpenOccurrence* occurrence = nullptr;
  std::vector<UnitLine> units;  ///< those the filter keeps
  std::size_t done = 0, total = 0;
  int worst = 4;  ///< the rank of its most urgent unit kept
};

std::string option(std::string_view value, std::string_view label, bool selected) {
  return "<option value=\"" + escape_html(value) + "\"" + (selected ? " selected" : "") + ">" +
         escape_html(label) + "</option>";
}

std::string filter_form(const config::Config& config, const DeskFilter& f) {
  std::string out = "<form class=\"filters\" method=\"get\" action=\"/status\">\n";
  out += "<label>Kế hoạch <select name=\"plan\">" + option("", "Tất cả", f.plan.empty());
  for (const config::Plan& plan : config.plans)
    out += option(plan.id, plan.title, plan.id == f.plan);
  out += "</select></label>\n<label>Đơn vị <select name=\"unit\">" +
         option("", "Tất cả", f.unit.empty());
  for (const auto& [id, unit] : config.units)
    out += option(id, unit.name, id == f.unit);
  out += "</select></label>\n<label>Tình trạng <select name=\"state\">" +
         option("", "Tất cả", !f.state);
  for (const auto& [state, code] : k_state_codes)
    out += option(code, message::state_name(state), f.state == state);
  auto day = [](const std::optional<date::local_days>& d) {
    return d ? date::format("%F", *d) : std::string();
  };
  out += "</select></label>\n<label>Hạn từ ngày <input type=\"date\" name=\"from\" value=\"" +
         day(f.from) + "\"></label>\n<label>đến ngày <input type=\"date\" name=\"to\" value=\"" +
         day(f.to) + "\"></label>\n<button type=\"submit\">Lọc</button>\n</form>\n";
  return out;
}

std::string unit_item(const config::Config& config, const schedule::OpenOccurrence& o,
                      const UnitLine& line, const DeskForms& forms, config::SysSeconds now) {
  std::string out =
      "<li class=\"st-" + std::string(code_of(line.standing.state)) + "\"><span class=\"unit\">" +
      escape_html(line.unit ? line.unit->name : line.id) + "</span> <span class=\"state\">" +
      escape_html(message::standing_label(line.standing)) + "</span>";
  if (line.latest) {
    const journal::Confirmation& c = *line.latest;
    std::string said;
    if (c.confirmed && c.received_at) {
      said = "Đã nhận báo cáo" + (c.document.empty() ? "" : " số " + c.document) + " lúc " +
             when(config, *c.received_at) + "; " + actor_label(config, c.actor) + " lúc " +
             when(config, c.at);
    } else {
      said = (c.confirmed ? "Xác nhận lúc " : "Mở lại lúc ") + when(config, c.at) + ", " +
             actor_label(config, c.actor);
    }
    out += "<div class=\"muted\">" + escape_html(said) + "</div>";
    if (!c.note.empty()) out += "<div class=\"note\">" + escape_html(c.note) + "</div>";
  }
  if (line.extension) {
    out += "<div class=\"ext\">" +
           escape_html("Được gia hạn đến " + when(config, line.extension->due) +
                       " (thời hạn ban đầu " + when(config, o.due) + ")") +
           "</div>";
  }
  if (line.pending) {
    out += "<div class=\"ext warn\">" +
           escape_html("Đề nghị gia hạn đến ngày " + message::vn_date(line.pending->until) +
                       " (gửi lúc " + when(config, line.pending->at) + ")") +
           "</div><div class=\"note\">" + escape_html("Lý do: " + line.pending->reason) + "</div>";
  }
  if (!forms.csrf.empty()) {
    out += action_form(config, o.assignment(line.id), line.standing.done(), forms, now) + "\n";
    if (!line.standing.done())
      out +=
          extension_form(o.assignment(line.id), line.pending, line.deadline, config, forms) + "\n";
  }
  out += "<details class=\"keys\"><summary>Mã kỹ thuật</summary><code>" +
         escape_html(o.assignment(line.id).to_string()) + "</code></details></li>\n";
  return out;
}

/// The requests for more time waiting for the Office, of the plans and units the filter keeps.
std::string requests_html(const config::Config& config, const schedule::Extensions& extensions,
                          const DeskFilter& f) {
  std::string items;
  std::size_t count = 0;
  for (const schedule::ExtensionRequest& r : extensions.pending()) {
    if ((!f.plan.empty() && r.target.plan != f.plan) ||
        (!f.unit.empty() && r.target.unit != f.unit))
      continue;
    ++count;
    const config::Unit* unit = config.find_unit(r.target.unit);
    std::string title = r.target.task;
    for (const config::Plan& plan : config.plans)
      for (const config::Task& task : plan.tasks)
        if (plan.id == r.target.plan && task.id == r.target.task) title = task.title;
    items += "<li><span class=\"unit\">" + escape_html(unit ? unit->name : r.target.unit) +
             "</span> " + escape_html(title) + " <span class=\"state\">" +
             escape_html("đề nghị gia hạn đến ngày " + message::vn_date(r.until)) +
             "</span><div class=\"note\">" + escape_html("Lý do: " + r.reason) + "</div></li>\n";
  }
  if (count == 0) return {};
  return "<section id=\"requests\">\n<h2>Đề nghị gia hạn chờ xử lý (" + std::to_string(count) +
         ")</h2>\n<p class=\"muted\">Xử lý tại dòng của đơn vị trong nhiệm vụ bên dưới.</p>\n"
         "<ul class=\"units\">\n" +
         items + "</ul>\n</section>\n";
}

}  // namespace

bool keeps(const DeskFilter& f, const config::Plan& plan, const config::Task& task) {
  if (!f.plan.empty() && plan.id != f.plan) return false;
  return f.unit.empty() || std::find(task.responsible.begin(), task.responsible.end(), f.unit) !=
                               task.responsible.end();
}

LatestConfirmations index_confirmations(std::vector<journal::Confirmation> entries) {
  LatestConfirmations out;
  out.reserve(entries.size());
  for (journal::Confirmation& c : entries) {
    std::string key = c.target.to_string();
    out.emplace(std::move(key), std::move(c));
  }
  return out;
}

DeskFilter desk_filter(std::string_view query) {
  auto fields = parse_form(query);
  DeskFilter f;
  f.plan = fields["plan"];
  f.unit = fields["unit"];
  for (const auto& [state, code] : k_state_codes)
    if (fields["state"] == code) f.state = state;
  f.from = parse_day(fields["from"]);
  f.to = parse_day(fields["to"]);
  return f;
}

std::string desk_html(const config::Config& config, const LatestConfirmations& latest,
                      const schedule::Extensions& extensions, const DeskFilter& f,
                      config::SysSeconds now, const DeskForms& forms) {
  const date::time_zone* zone = config.service.zone;
  std::vector<schedule::OpenOccurrence> occurrences;
  if (f.from || f.to) {
    auto start = [&](date::local_days d) {
      return zone->to_sys(date::local_seconds{d}, date::choose::earliest);
    };
    config::SysSeconds from = f.from ? start(*f.from) : config::SysSeconds{};
    config::SysSeconds to = f.to ? start(*f.to + date::days{1}) : now + date::days{366};
    occurrences = schedule::occurrences_due(config, from, to, now);
  } else {
    occurrences = schedule::open_occurrences(config, now, extensions);
  }

  std::vector<OccurrenceBox> boxes;
  for (const auto& o : occurrences) {
    if (!keeps(f, *o.plan, *o.task)) continue;
    OccurrenceBox box{&o, {}, 0, 0, 4};
    for (const std::string& id : o.task->responsible) {
      UnitLine line{config.find_unit(id), id, {}, std::nullopt};
      const ids::AssignmentId target = o.assignment(id);
      if (auto it = latest.find(target.to_string()); it != latest.end()) line.latest = it->second;
      std::optional<config::SysSeconds> done_at;
      if (line.latest && line.latest->confirmed) done_at = line.latest->done_at();
      if (!extensions.empty()) {
        line.extension = extensions.find(target);
        line.pending = extensions.pending_of(target);
      }
      line.deadline = line.extension ? line.extension->due : o.due;
      // On time is judged against the deadline in force, an extension included.
      line.standing = schedule::standing_of(config, line.deadline, done_at, now);
      ++box.total;
      if (line.standing.done()) ++box.done;
      if (!f.unit.empty() && id != f.unit) continue;
      if (f.state && line.standing.state != *f.state) continue;
      box.worst = std::min(box.worst, rank(line.standing.state));
      box.units.push_back(std::move(line));
    }
    if (box.units.empty()) continue;
    std::stable_sort(box.units.begin(), box.units.end(), [](const auto& a, const auto& b) {
      return rank(a.standing.state) < rank(b.standing.state);
    });
    boxes.push_back(std::move(box));
  }
  // By plan as configured; within a plan, those with a unit overdue first, then by deadline.
  std::stable_sort(boxes.begin(), boxes.end(), [](const auto& a, const auto& b) {
    if (a.occurrence->plan != b.occurrence->plan) return a.occurrence->plan < b.occurrence->plan;
    bool a_late = a.worst == 0, b_late = b.worst == 0;
    if (a_late != b_late) return a_late;
    return a.occurrence->due < b.occurrence->due;
  });

  std::string out = filter_form(config, f) + downloads_html(config, f, now);
  out += requests_html(config, extensions, f);
  if (boxes.empty()) {
    return out + "<p>Không có nhiệm vụ nào " +
           (f.from || f.to ? "có hạn trong khoảng đã chọn" : "đang trong kỳ theo dõi") +
           (f.state || !f.unit.empty() || !f.plan.empty() ? " khớp với bộ lọc" : "") + ".</p>\n";
  }
  const config::Plan* plan = nullptr;
  std::size_t shown = 0;
  for (const OccurrenceBox& box : boxes) {
    if (shown++ == k_shown) break;
    const schedule::OpenOccurrence& o = *box.occurrence;
    if (o.plan != plan) {
      if (plan) out += "</section>\n";
      plan = o.plan;
      out += "<section class=\"plan\">\n<h2>" + escape_html(plan->title) + "</h2>\n";
    }
    std::string title = o.task->title + (o.occurrence_name.empty() ? "" : " " + o.occurrence_name);
    out += "<article class=\"occurrence\">\n<h3>" + escape_html(title) +
           "</h3>\n<p class=\"meta\">Hạn " + escape_html(when(config, o.due)) +
           " · <span class=\"count\">" + std::to_string(box.done) + "/" +
           std::to_string(box.total) + " đơn vị đã hoàn thành</span>";
    if (std::string href = record_href(o); !href.empty())
      out += " · <a class=\"record\" href=\"" + escape_html(href) + "\">Lịch sử đôn đốc</a>";
    out += "</p>\n<ul class=\"units\">\n";
    for (const UnitLine& line : box.units)
      out += unit_item(config, o, line, forms, now);
    out += "</ul>\n</article>\n";
  }
  out += "</section>\n";
  if (boxes.size() > k_shown) {
    out += "<p class=\"muted\">… và " + std::to_string(boxes.size() - k_shown) +
           " kỳ nhiệm vụ nữa: chọn kế hoạch, đơn vị, tình trạng hoặc khoảng thời hạn ở bộ lọc "
           "trên để xem.</p>\n";
  }
  return out;
}

}  // namespace deadlined::http
