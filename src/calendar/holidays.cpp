#include "calendar/holidays.hpp"

#include <algorithm>

#include "calendar/lunar.hpp"

namespace deadlined::calendar {
namespace {

date::local_days ymd(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

/// A Labor Code, or an amendment of it, as it fixes the public holidays from the day it took
/// effect.
struct Law {
  date::local_days from;
  const char* holidays;      ///< the article that fixes the holidays, as a source
  const char* fallback;      ///< the same, for a day of deadlined's fallback rule
  const char* compensatory;  ///< the rule of nghỉ bù
  bool tet_fixed;         ///< Tết is four days fixed by law: the last day of the year, mùng 1-3
  bool hung_kings;        ///< Giỗ Tổ Hùng Vương is a holiday
  bool national_day_two;  ///< Quốc khánh is 02/9 and an adjacent day
};

/// The laws in force since 1995, oldest first. 84/2007/QH11 took effect on promulgation in
/// April 2007, before Giỗ Tổ 2007 (26/04); 02/04/2007 is the day it was passed.
const std::array<Law, 4>& laws() {
  static const std::array<Law, 4> k_laws{{
      {ymd(1995, 1, 1), "Bộ luật Lao động 1994, Điều 73",
       "Bộ luật Lao động 1994, Điều 73 (quy tắc dự phòng của deadlined)",
       "Bộ luật Lao động 1994, Điều 73 (nghỉ bù)", true, false, false},
      {ymd(2007, 4, 2), "Bộ luật Lao động 1994, Điều 73 (sửa đổi theo Luật số 84/2007/QH11)",
       "Bộ luật Lao động 1994, Điều 73 (sửa đổi theo Luật số 84/2007/QH11; quy tắc dự phòng "
       "của deadlined)",
       "Bộ luật Lao động 1994, Điều 73 (sửa đổi theo Luật số 84/2007/QH11; nghỉ bù)", true, true,
       false},
      {ymd(2013, 5, 1), "Bộ luật Lao động 2012, Điều 115",
       "Bộ luật Lao động 2012, Điều 115 (quy tắc dự phòng của deadlined)",
       "Bộ luật Lao động 2012, Điều 115 khoản 3", false, true, false},
      {ymd(2021, 1, 1), "Bộ luật Lao động 2019, Điều 112",
       "Bộ luật Lao động 2019, Điều 112 (quy tắc dự phòng của deadlined)",
       "Bộ luật Lao động 2019, Điều 111", false, true, true},
  }};
  return k_laws;
}

/// The law in force on `day`; nullptr before 1995 (no earlier law is modelled).
const Law* law_on(date::local_days day) {
  const Law* found = nullptr;
  for (const Law& law : laws()) {
    if (day >= law.from) found = &law;
  }
  return found;
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

/// A holiday by the law in force on its day, or by a fallback rule where that law leaves the
/// day to a yearly decision.
struct RuleDay {
  SpecialDay day;
  const Law* law = nullptr;  ///< the law in force on the occasion's day
  bool fixed = false;        ///< fixed by the law itself, not by a fallback rule
};

/// The name of a day at the end of the lunar year, by its lunar date: "Tết Nguyên Đán (29 tháng
/// Chạp)".
std::string year_end_name(date::local_days day) {
  LunarDate lunar = to_lunar(day);
  return "Tết Nguyên Đán (" + std::to_string(lunar.day) + " tháng Chạp" +
         (lunar.leap ? " nhuận" : "") + ")";
}

/// The holidays of `year` by the law in force on each and the fallback rules, without
/// compensatory days.
std::vector<RuleDay> rule_holidays(int year) {
  using Kind = SpecialDay::Kind;
  std::vector<RuleDay> days;
  auto add = [&](const Law* law, bool fixed, Occasion occasion, date::local_days day,
                 std::string name, std::string lunar = {}) {
    const char* source = fixed ? law->holidays : law->fallback;
    days.push_back(
        {{day, std::move(name), Kind::holiday, source, std::move(lunar), occasion}, law, fixed});
  };
  if (const Law* law = law_on(ymd(year, 1, 1))) {
    add(law, true, Occasion::new_year, ymd(year, 1, 1), "Tết Dương lịch");
  }
  auto tet = from_lunar({year, 1, 1, false});
  if (const Law* law = tet ? law_on(*tet) : nullptr) {
    // 1994: one day at the end of the lunar year and mùng 1-3, fixed by law. 2012 and 2019:
    // five days placed by the Government; the fallback takes the last two days of the year and
    // mùng 1-3, as every decision of 2015-2026 did (docs/CALENDAR.md).
    const int before = law->tet_fixed ? 1 : 2;
    for (int i = before; i >= 1; --i) {
      date::local_days day = *tet - date::days{i};
      add(law, law->tet_fixed, Occasion::lunar_new_year, day,
          law->tet_fixed ? "Tết Nguyên Đán (ngày cuối năm âm lịch)" : year_end_name(day));
    }
    add(law, true, Occasion::lunar_new_year, *tet, "Tết Nguyên Đán (mùng 1)", "1/1");
    for (int i = 2; i <= 3; ++i) {
      add(law, law->tet_fixed, Occasion::lunar_new_year, *tet + date::days{i - 1},
          "Tết Nguyên Đán (mùng " + std::to_string(i) + ")");
    }
  }
  auto gio_to = from_lunar({year, 3, 10, false});
  if (const Law* law = gio_to ? law_on(*gio_to) : nullptr; law && law->hung_kings) {
    add(law, true, Occasion::hung_kings, *gio_to, "Giỗ Tổ Hùng Vương", "10/3");
  }
  if (const Law* law = law_on(ymd(year, 4, 30))) {
    add(law, true, Occasion::victory_labour, ymd(year, 4, 30), "Ngày Chiến thắng");
  }
  if (const Law* law = law_on(ymd(year, 5, 1))) {
    add(law, true, Occasion::victory_labour, ymd(year, 5, 1), "Ngày Quốc tế Lao động");
  }
  auto national = ymd(year, 9, 2);
  if (const Law* law = law_on(national)) {
    add(law, true, Occasion::national_day, national, "Quốc khánh");
    if (law->national_day_two) {
      unsigned weekday = date::weekday{national}.c_encoding();
      bool day_before = weekday == 2 || weekday == 3 || weekday == 5 || weekday == 6;
      add(law, false, Occasion::national_day, day_before ? ymd(year, 9, 1) : ymd(year, 9, 3),
          "Quốc khánh (ngày liền kề)");
    }
  }
  std::stable_sort(days.begin(), days.end(),
                   [](const auto& a, const auto& b) { return a.day.date < b.day.date; });
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
  if (year < k_first_holiday_year || year > k_last_holiday_year) return days;
  auto listed = [&](date::local_days day) {
    return std::any_of(days.begin(), days.end(), [&](const auto& d) { return d.date == day; });
  };

  // A decided occasion keeps the days fixed by law and those of its rule days it lists.
  std::vector<RuleDay> by_rule;
  for (RuleDay& rule : rule_holidays(year)) {
    SpecialDay& day = rule.day;
    const Decision* decision = decision_for(decisions, year, day.occasion);
    if (!decision) {
      by_rule.push_back(rule);
      days.push_back(std::move(day));
    } else if (rule.fixed) {
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

  // Nghỉ bù (2019 Art. 111, 2012 Art. 115, 1994 Art. 73): each holiday of an undecided
  // occasion on a weekly rest day gives the next working day off.
  std::vector<SpecialDay> compensatory;
  auto is_off = [&](date::local_days day) {
    return is_rest_day(workdays, day) || listed(day) ||
           std::any_of(compensatory.begin(), compensatory.end(),
                       [&](const auto& c) { return c.date == day; });
  };
  for (const RuleDay& rule : by_rule) {
    const SpecialDay& holiday = rule.day;
    if (!is_rest_day(workdays, holiday.date)) continue;
    date::local_days next = holiday.date + date::days{1};
    while (is_off(next))
      next += date::days{1};
    compensatory.push_back({next,
                            "Nghỉ bù " + holiday.name,
                            Kind::compensatory,
                            rule.law->compensatory,
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
  if (year < k_first_holiday_year || year > k_last_holiday_year) return out;
  for (const RuleDay& rule : rule_holidays(year)) {
    const SpecialDay& day = rule.day;
    const Decision* decision = decision_for(decisions, year, day.occasion);
    if (!decision || !rule.fixed || !is_rest_day(workdays, day.date)) continue;
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
