#include <algorithm>
#include <array>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <utility>

#include "config/readers.hpp"

namespace deadlined::config::detail {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 7> k_names = {"sun", "mon", "tue", "wed",
                                                     "thu", "fri", "sat"};

/// What to write for a weekday named as Vietnamese offices do ("thứ 2", "T3", "Chủ nhật"),
/// or the closest English name; empty when none is close.
std::string weekday_hint(const std::string& name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> k_vietnamese = {{
      {"thu2", "mon"},   {"thuhai", "mon"}, {"t2", "mon"},    {"thu3", "tue"},    {"thuba", "tue"},
      {"t3", "tue"},     {"thu4", "wed"},   {"thutu", "wed"}, {"t4", "wed"},      {"thu5", "thu"},
      {"thunam", "thu"}, {"t5", "thu"},     {"thu6", "fri"},  {"thusau", "fri"},  {"t6", "fri"},
      {"thu7", "sat"},   {"thubay", "sat"}, {"t7", "sat"},    {"chunhat", "sun"}, {"cn", "sun"},
  }};
  std::string folded;
  for (char c : fold_diacritics(name)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != ' ' && c != '-' && c != '_' && c != '.') folded += c;
  }
  for (const auto& [vietnamese, english] : k_vietnamese) {
    if (folded == vietnamese) return "; '" + name + "' viết là '" + std::string(english) + "'";
  }
  return did_you_mean(name, {k_names.begin(), k_names.end()});
}

}  // namespace

bool valid_workdays(const toml::table& main_file) {
  const toml::node* node = main_file.at_path("service.workdays").node();
  if (!node) return true;
  const toml::array* days = node->as_array();
  if (!days || days->empty()) return false;
  return std::all_of(days->begin(), days->end(), [](const toml::node& day) {
    auto name = day.value_exact<std::string>();
    return name && std::find(k_names.begin(), k_names.end(), *name) != k_names.end();
  });
}

ServiceSection read_service(TableReader& top, const fs::path& base_dir) {
  ServiceSection section;
  const toml::node* node = top.node("service", true);
  if (!node) return section;
  const toml::table* table = node->as_table();
  if (!table) {
    top.wrong_type(*node, "service", "bảng");
    return section;
  }
  ServiceConfig& s = section.values;
  TableReader r(*table, "[service]", top.reporter());
  Reporter& reporter = r.reporter();

  if (auto tz = r.string("timezone")) s.timezone = *tz;
  try {
    s.zone = date::locate_zone(s.timezone);
  } catch (const std::exception&) {
    const toml::node* n = table->get("timezone");
    reporter.error(n ? n->source() : table->source(),
                   "múi giờ '" + s.timezone + "' không tồn tại; ví dụ \"Asia/Ho_Chi_Minh\"");
  }

  if (auto dir = r.string("state_dir")) {
    s.state_dir = resolve_against(base_dir, *dir);
  } else if (const char* env = std::getenv("STATE_DIRECTORY"); env && *env) {
    s.state_dir = std::string(env).substr(0, std::string(env).find(':'));
  } else {
    s.state_dir = resolve_against(base_dir, "state");
  }
  s.state_dir = s.state_dir.lexically_normal();

  if (auto globs = r.strings("plans", true)) {
    for (auto& [glob, where] : *globs)
      section.plan_globs.push_back({std::move(glob), std::move(where)});
  }
  auto time_of_day = [&](const char* key) -> std::optional<std::chrono::minutes> {
    const toml::node* n = r.node(key);
    if (!n) return std::nullopt;
    if (auto text = n->value_exact<std::string>()) {
      if (auto minutes = parse_time_of_day(*text)) return minutes;
      reporter.error(n->source(), "giờ '" + *text + "' của '" + key +
                                      "' không hợp lệ: viết HH:MM, từ 00:00 đến 23:59");
    } else if (auto t = n->value_exact<toml::time>()) {
      return std::chrono::duration_cast<std::chrono::minutes>(to_seconds(*t));
    } else {
      r.wrong_type(*n, key, "giờ, ví dụ \"08:00\"");
    }
    return std::nullopt;
  };
  if (auto t = time_of_day("send_time")) s.send_time = *t;
  if (auto t = time_of_day("day_end")) s.day_end = *t;
  section.digest_time = time_of_day("digest_time");
  section.digest = r.boolean("digest");
  if (s.send_time >= s.day_end) {
    reporter.error(table->source(), "'send_time' phải sớm hơn 'day_end' trong [service]");
  }

  if (auto days = r.strings("workdays")) {
    s.workdays.fill(false);
    for (const auto& [name, where] : *days) {
      auto it = std::find(k_names.begin(), k_names.end(), name);
      if (it == k_names.end()) {
        reporter.error(where, "ngày trong tuần '" + name +
                                  "' không hợp lệ: dùng mon, tue, wed, thu, fri, sat hoặc sun" +
                                  weekday_hint(name));
      } else {
        s.workdays[static_cast<std::size_t>(it - k_names.begin())] = true;
      }
    }
    // With names given, a pattern without a day means every name was wrong: reported above.
    if (days->empty()) {
      reporter.error(table->get("workdays")->source(),
                     "'workdays' phải nêu ít nhất một ngày làm việc");
    }
  }

  if (auto rules = r.string("holiday_rules")) {
    if (*rules == "none") {
      s.vietnam_holidays = false;
    } else if (*rules != "vietnam") {
      reporter.error(table->get("holiday_rules")->source(),
                     "giá trị '" + *rules +
                         "' của 'holiday_rules' không hợp lệ: dùng \"vietnam\" hoặc \"none\"");
    }
  }
  if (auto globs = r.strings("holidays")) {
    s.holidays_where = reporter.pos(table->get("holidays")->source());
    for (auto& [glob, where] : *globs)
      section.holiday_globs.push_back({std::move(glob), std::move(where)});
  }
  section.leads = read_leads(r);
  if (auto monitor = r.string("monitor")) {
    section.monitor = Written{*monitor, reporter.pos(table->get("monitor")->source())};
  }
  section.chase = read_chase(r);
  if (auto d = r.duration("retry_initial")) s.retry_initial = *d;
  if (auto d = r.duration("retry_max")) s.retry_max = *d;
  if (auto d = r.duration("give_up_after")) s.give_up_after = *d;
  if (const toml::node* d = r.node("chase_from")) {
    if (auto v = d->value_exact<toml::date>())
      s.chase_from = to_local_days(*v);
    else
      r.wrong_type(*d, "chase_from", "ngày, ví dụ 2026-12-01");
  }
  if (auto v = r.string("organisation")) s.organisation = *v;
  if (auto v = r.string("contact")) s.contact = *v;
  if (auto dir = r.string("templates")) {
    s.templates = resolve_against(base_dir, *dir);
    s.texts = read_texts(reporter, reporter.pos(table->get("templates")->source()), s.templates);
  }
  if (auto v = r.string("monitor_cc")) {
    if (*v == "all") {
      section.monitor_cc = ServiceConfig::MonitorCc::all;
    } else if (*v == "overdue") {
      section.monitor_cc = ServiceConfig::MonitorCc::overdue;
    } else if (*v == "none") {
      section.monitor_cc = ServiceConfig::MonitorCc::none;
    } else {
      reporter.error(table->get("monitor_cc")->source(),
                     "giá trị '" + *v + "' của 'monitor_cc' không hợp lệ: dùng \"all\", " +
                         "\"overdue\" hoặc \"none\"");
    }
  }
  if (auto v = r.boolean("bundle")) s.bundle = *v;
  r.finish();
  return section;
}

}  // namespace deadlined::config::detail
