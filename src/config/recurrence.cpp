#include "config/recurrence.hpp"

#include <charconv>
#include <sstream>
#include <string>
#include <vector>

namespace deadlined::config {
namespace {

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ')
      ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::optional<int> number(std::string_view text, int min, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

/// "N days" (two words) or "Nwd" / "Nd" (one word) at the front of `w`; consumes them.
std::optional<Lead> day_offset(std::vector<std::string_view>& w) {
  if (w.size() >= 2 && (w[1] == "days" || w[1] == "day" || w[1] == "wd" || w[1] == "working-days" ||
                        w[1] == "working")) {
    auto n = number(w[0], 0, 366);
    if (!n) return std::nullopt;
    bool working = w[1] != "days" && w[1] != "day";
    std::size_t used = 2;
    if (w[1] == "working") {
      if (w.size() < 3 || (w[2] != "days" && w[2] != "day")) return std::nullopt;
      used = 3;
    }
    w.erase(w.begin(), w.begin() + static_cast<long>(used));
    Lead lead;
    lead.kind = working ? Lead::Kind::working_days : Lead::Kind::calendar_days;
    lead.amount = *n;
    lead.text = std::to_string(*n) + (working ? "wd" : "d");
    return lead;
  }
  if (w.empty()) return std::nullopt;
  std::string_view t = w[0];
  bool working = t.size() > 2 && t.substr(t.size() - 2) == "wd";
  bool days = !working && t.size() > 1 && t.back() == 'd';
  if (!working && !days) return std::nullopt;
  auto n = number(t.substr(0, t.size() - (working ? 2 : 1)), 0, 366);
  if (!n) return std::nullopt;
  w.erase(w.begin());
  Lead lead;
  lead.kind = working ? Lead::Kind::working_days : Lead::Kind::calendar_days;
  lead.amount = *n;
  lead.text = std::string(t);
  return lead;
}

}  // namespace

std::optional<Recurrence> parse_recurrence(std::string_view text) {
  auto w = words(text);
  Recurrence r;
  if (!w.empty() && w[0] == "nd09") {
    r.nd09 = true;
    w.erase(w.begin());
  }
  if (w.size() == 1) {
    using Kind = Recurrence::Kind;
    if (w[0] == "monthly") r.kind = Kind::monthly;
    if (w[0] == "quarterly") r.kind = Kind::quarterly;
    if (w[0] == "6-monthly") r.kind = Kind::half_yearly;
    if (w[0] == "9-monthly") r.kind = Kind::nine_monthly;
    if (w[0] == "yearly") r.kind = Kind::yearly;
    if (r.kind == Kind::none) return std::nullopt;
    return r;
  }
  if (r.nd09 || w.size() != 3 || w[0] != "every") return std::nullopt;
  auto n = number(w[1], 1, 1000);
  if (!n) return std::nullopt;
  std::string_view unit = w[2];
  if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
  if (unit == "day") {
    r.kind = Recurrence::Kind::every_days, r.every = *n;
  } else if (unit == "week") {
    r.kind = Recurrence::Kind::every_days, r.every = *n * 7;
  } else if (unit == "month" && *n <= 120) {
    r.kind = Recurrence::Kind::every_months, r.every = *n;
  } else {
    return std::nullopt;
  }
  return r;
}

std::optional<DueRule> parse_due_rule(std::string_view text) {
  auto w = words(text);
  DueRule rule;
  rule.text = std::string(text);
  if (w.size() >= 2 && w[0] == "day") {
    auto day = number(w[1], 1, 31);
    if (!day) return std::nullopt;
    rule.kind = DueRule::Kind::day_of_month;
    rule.day = *day;
    if (w.size() == 2) return rule;
    if (w.size() == 5 && w[2] == "of" && w[3] == "next" && w[4] == "month") {
      rule.month_offset = 1;
      return rule;
    }
    if (w.size() == 5 && w[2] == "of" && w[3] == "last" && w[4] == "month") return rule;
    if (w.size() == 5 && w[2] == "of" && w[3] == "month") {
      auto month = number(w[4], 1, 12);
      if (!month) return std::nullopt;
      rule.month = *month;
      return rule;
    }
    return std::nullopt;
  }
  auto offset = day_offset(w);
  if (!offset) return std::nullopt;
  rule.offset = *offset;
  if (w.size() == 2 && w[0] == "after" && w[1] == "end") {
    rule.kind = DueRule::Kind::after_end;
    return rule;
  }
  if (w.size() == 2 && w[0] == "after" && w[1] == "received") {
    rule.kind = DueRule::Kind::after_date;
    rule.from_received = true;
    return rule;
  }
  if (w.size() == 2 && w[0] == "after") {
    int y = 0;
    unsigned m = 0, d = 0;
    char dash1 = 0, dash2 = 0;
    std::string day_text(w[1]);
    std::istringstream in(day_text);
    if (day_text.size() == 10 && (in >> y >> dash1 >> m >> dash2 >> d) && in.eof() &&
        dash1 == '-' && dash2 == '-') {
      date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
      if (!ymd.ok()) return std::nullopt;
      rule.kind = DueRule::Kind::after_date;
      rule.from = date::local_days{ymd};
      return rule;
    }
    return std::nullopt;
  }
  if (w.size() == 2 && w[0] == "before") {
    rule.kind = DueRule::Kind::before_task;
    rule.task = std::string(w[1]);
    return rule;
  }
  return std::nullopt;
}

DueRule nd09_due_rule() {
  DueRule rule;
  rule.kind = DueRule::Kind::day_of_month;
  rule.day = 20;
  rule.text = "day 20";
  return rule;
}

}  // namespace deadlined::config
