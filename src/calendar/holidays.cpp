#include "calendar/holidays.hpp"

#include <algorithm>

#include "calendar/lunar.hpp"

namespace deadlined::calendar {
namespace {

constexpr const char* k_law = "Bộ luật Lao động 2019, Điều 112";
constexpr const char* k_fallback =
    "Bộ luật Lao động 2019, Điều 112 (quy tắc dự phòng của deadlined)";
constexpr const char* k_compensatory = "Bộ luật Lao động 2019, Điều 111";

// The lunar calendar is computed, and checked, for 1900-2100 only.
constexpr int k_first_year = 1901;
constexpr int k_last_year = 2099;

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

constexpr std::array<std::pair<Occasion, std::string_view>, 5> k_occasion_ids{{
    {Occasion::new_year, "tet-duong-lich"},
    {Occasion::lunar_new_year, "tet-nguyen-dan"},
    {Occasion::hung_kings, "gio-to"},
    {Occasion::victory_labour, "30-4-1-5"},
    {Occasion::national_day, "quoc-khanh"},
}};

std::string occasion_name(Occasion occasion) {
  switch (occasion) {
    case Occasion::new_year:
      return "Tết Dương lịch";
    case Occasion::lunar_new_year:
      return "Tết Nguyên Đán";
    case Occasion::hung_kings:
      return "Giỗ Tổ Hùng Vương";
    case Occasion::victory_labour:
      return "Ngày Chiến thắng và Quốc tế Lao động";
    case Occasion::national_day:
      return "Quốc khánh";
  }
  return {};
}

bool is_rest_day(const std::array<bool, 7>& workdays, date::local_days day) {
  return !workdays[date::weekday{day}.c_encoding()];
}

bool contains(const std::vector<date::local_days>& days, date::local_days day) {
  return std::find(days.begin(), days.end(), day) != days.end();
}

void sort_by_date(std::vector<SpecialDay>& days) {
  std::stable_sort(days.begin(), days.end(),
                   [](const auto& a, const auto& b) { return a.date < b.date; });
}

/// The holidays of Art. 112 in `year` by the law and the fallback rules, without
/// compensatory days.
std::vector<SpecialDay> rule_holidays(int year) {
  using Kind = SpecialDay::Kind;
  std::vector<SpecialDay> days;
  auto add = [&](Occasion occasion, date::local_days day, std::string name, const char* source,
                 std::string lunar = {}) {
    days.push_back({day, std::move(name), Kind::holiday, source, std::move(lunar), occasion});
  };
  add(Occasion::new_year, ymd(year, 1, 1), "Tết Dương lịch", k_law);
  if (auto tet = from_lunar({year, 1, 1, false})) {
    add(Occasion::lunar_new_year, *tet - date::days{1}, "Tết Nguyên Đán (ngày cuối năm âm lịch)",
        k_fallback);
    add(Occasion::lunar_new_year, *tet, "Tết Nguyên Đán (mùng 1)", k_law, "1/1");
    for (int i = 2; i <= 4; ++i) {
      add(Occasion::lunar_new_year, *tet + date::days{i - 1},
          "Tết Nguyên Đán (mùng " + std::to_string(i) + ")", k_fallback);
    }
  }
  if (auto gio_to = from_lunar({year, 3, 10, false})) {
    add(Occasion::hung_kings, *gio_to, "Giỗ Tổ Hùng Vương", k_law, "10/3");
  }
  add(Occasion::victory_labour, ymd(year, 4, 30), "Ngày Chiến thắng", k_law);
  add(Occasion::victory_labour, ymd(year, 5, 1), "Ngày Quốc tế Lao động", k_law);
  auto national = ymd(year, 9, 2);
  add(Occasion::national_day, national, "Quốc khánh", k_law);
  unsigned weekday = date::weekday{national}.c_encoding();
  bool day_before = weekday == 2 || weekday == 3 || weekday == 5 || weekday == 6;
  add(Occasion::national_day, day_before ? ymd(year, 9, 1) : ymd(year, 9, 3),
      "Quốc khánh (ngày liền kề)", k_fallback);
  sort_by_date(days);
  return days;
}

/// The decision for `occasion` in `year`, if any.
const Decision* decision_for(const std::vector<Decision>& decisions, int year, Occasion occasion) {
  for (const Decision& d : decisions) {
    if (d.year == year && d.occasion == occasion) return &d;
  }
  return nullptr;
}

/// The days a decision gives off (of any kind).
bool decided_off(const Decision& d, date::local_days day) {
  return contains(d.off, day) || contains(d.swap_off, day) || contains(d.compensatory, day);
}

}  // namespace

std::string_view to_string(SpecialDay::Kind kind) {
  switch (kind) {
    case SpecialDay::Kind::holiday:
      return "holiday";
    case SpecialDay::Kind::compensatory:
      return "compensatory";
    case SpecialDay::Kind::swap_off:
      return "swap_off";
    case SpecialDay::Kind::swap_work:
      return "swap_work";
  }
  return "holiday";
}

std::string_view to_string(Occasion occasion) {
  for (const auto& [o, id] : k_occasion_ids) {
    if (o == occasion) return id;
  }
  return {};
}

std::optional<Occasion> occasion_from_string(std::string_view text) {
  for (const auto& [o, id] : k_occasion_ids) {
    if (id == text) return o;
  }
  return std::nullopt;
}

std::vector<SpecialDay> vietnam_holidays(int year, const std::array<bool, 7>& workdays,
                                         const std::vector<Decision>& decisions) {
  using Kind = SpecialDay::Kind;
  std::vector<SpecialDay> days;
  if (year < k_first_year || year > k_last_year) return days;
  auto listed = [&](date::local_days day) {
    return std::any_of(days.begin(), days.end(), [&](const auto& d) { return d.date == day; });
  };

  // A decided occasion keeps the days fixed by law and those of its rule days it lists.
  std::vector<SpecialDay> by_rule;
  for (SpecialDay& day : rule_holidays(year)) {
    const Decision* decision = decision_for(decisions, year, day.occasion);
    if (!decision) {
      by_rule.push_back(day);
      days.push_back(std::move(day));
    } else if (day.source == k_law) {
      days.push_back(std::move(day));
    } else if (decided_off(*decision, day.date) && !is_rest_day(workdays, day.date)) {
      // A fallback day the decision confirms: the decision's kind, the rule's name.
      day.source = decision->source;
      if (contains(decision->swap_off, day.date)) {
        day.kind = Kind::swap_off;
        day.name = "Nghỉ hoán đổi dịp " + occasion_name(day.occasion);
      } else if (contains(decision->compensatory, day.date)) {
        day.kind = Kind::compensatory;
        day.name = "Nghỉ bù " + occasion_name(day.occasion);
      }
      days.push_back(std::move(day));
    }
  }
  for (const Decision& decision : decisions) {
    if (decision.year != year) continue;
    std::string name = occasion_name(decision.occasion);
    auto add = [&](const std::vector<date::local_days>& list, Kind kind, const std::string& label) {
      for (date::local_days day : list) {
        if (listed(day) || is_rest_day(workdays, day)) continue;
        days.push_back({day, label, kind, decision.source, {}, decision.occasion});
      }
    };
    add(decision.off, Kind::holiday, name);
    add(decision.swap_off, Kind::swap_off, "Nghỉ hoán đổi dịp " + name);
    add(decision.compensatory, Kind::compensatory, "Nghỉ bù " + name);
    for (date::local_days day : decision.work) {
      days.push_back(
          {day, "Làm bù dịp " + name, Kind::swap_work, decision.source, {}, decision.occasion});
    }
  }
  sort_by_date(days);

  // Art. 111: each holiday of an undecided occasion on a weekly rest day gives the next
  // working day off.
  std::vector<SpecialDay> compensatory;
  auto is_off = [&](date::local_days day) {
    return is_rest_day(workdays, day) || listed(day) ||
           std::any_of(compensatory.begin(), compensatory.end(),
                       [&](const auto& c) { return c.date == day; });
  };
  for (const SpecialDay& holiday : by_rule) {
    if (!is_rest_day(workdays, holiday.date)) continue;
    date::local_days next = holiday.date + date::days{1};
    while (is_off(next))
      next += date::days{1};
    compensatory.push_back({next,
                            "Nghỉ bù " + holiday.name,
                            Kind::compensatory,
                            k_compensatory,
                            {},
                            holiday.occasion});
  }
  days.insert(days.end(), compensatory.begin(), compensatory.end());
  sort_by_date(days);
  days.erase(std::remove_if(days.begin(), days.end(),
                            [&](const auto& d) {
                              return date::year_month_day{d.date}.year() != date::year{year};
                            }),
             days.end());
  return days;
}

std::vector<SpecialDay> uncompensated_holidays(int year, const std::array<bool, 7>& workdays,
                                               const std::vector<Decision>& decisions) {
  std::vector<SpecialDay> out;
  if (year < k_first_year || year > k_last_year) return out;
  for (const SpecialDay& day : rule_holidays(year)) {
    const Decision* decision = decision_for(decisions, year, day.occasion);
    if (!decision || day.source != k_law || !is_rest_day(workdays, day.date)) continue;
    bool compensated = false;
    for (int i = 1; i <= 7 && !compensated; ++i) {
      date::local_days next = day.date + date::days{i};
      compensated = !is_rest_day(workdays, next) && decided_off(*decision, next);
    }
    if (!compensated) out.push_back(day);
  }
  return out;
}

}  // namespace deadlined::calendar
