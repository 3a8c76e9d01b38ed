#include "calendar/work_calendar.hpp"

#include <map>

#include "calendar/holidays.hpp"

namespace deadlined::calendar {

WorkCalendar::WorkCalendar(std::array<bool, 7> workdays, bool vietnam_holidays,
                           std::vector<Decision> decisions)
    : workdays_(workdays),
      vietnam_holidays_(vietnam_holidays),
      decisions_(std::move(decisions)),
      years_(vietnam_holidays ? std::make_shared<std::array<Year, k_years>>() : nullptr) {}

bool WorkCalendar::is_working_day(date::local_days day) const {
  bool by_pattern = workdays_[date::weekday{day}.c_encoding()];
  if (!vietnam_holidays_) return by_pattern;
  auto year = date::year_month_day{day}.year();
  auto index = static_cast<std::size_t>((day - date::local_days{year / 1 / 1}).count());
  auto check = [&](const Exceptions& e) {
    return by_pattern ? !e.off[index] : bool(e.worked[index]);
  };
  int y = static_cast<int>(year);
  if (y < k_first_year || y >= k_first_year + k_years) return check(exceptions_of(y));
  Year& slot = (*years_)[static_cast<std::size_t>(y - k_first_year)];
  std::call_once(slot.once, [&] { slot.exceptions = exceptions_of(y); });
  return check(slot.exceptions);
}

std::vector<SpecialDay> WorkCalendar::special_days(int year) const {
  if (!vietnam_holidays_) return {};
  return vietnam_holidays(year, workdays_, decisions_);
}

WorkCalendar::Exceptions WorkCalendar::exceptions_of(int year) const {
  // A day listed twice takes its last entry's kind.
  std::map<date::local_days, bool> worked;
  for (const SpecialDay& d : special_days(year))
    worked[d.date] = d.kind == SpecialDay::Kind::swap_work;
  Exceptions out;
  const date::local_days first{date::year{year} / 1 / 1};
  for (const auto& [day, is_worked] : worked) {
    auto index = static_cast<std::size_t>((day - first).count());
    if (index >= 366) continue;  // a decision's day of another year
    bool by_pattern = workdays_[date::weekday{day}.c_encoding()];
    if (by_pattern && !is_worked) out.off.set(index);
    if (!by_pattern && is_worked) out.worked.set(index);
  }
  return out;
}

date::local_days WorkCalendar::previous_working_day(date::local_days day) const {
  do {
    day -= date::days{1};
  } while (!is_working_day(day));
  return day;
}

date::local_days WorkCalendar::next_working_day(date::local_days day) const {
  do {
    day += date::days{1};
  } while (!is_working_day(day));
  return day;
}

long WorkCalendar::working_days_after(date::local_days from, date::local_days to) const {
  long count = 0;
  for (auto day = from + date::days{1}; day <= to; day += date::days{1})
    count += is_working_day(day);
  return count;
}

date::local_days WorkCalendar::on_or_before(date::local_days day) const {
  return is_working_day(day) ? day : previous_working_day(day);
}

date::local_days WorkCalendar::working_days_before(date::local_days day, long n) const {
  if (n == 0) return on_or_before(day);
  for (long i = 0; i < n; ++i)
    day = previous_working_day(day);
  return day;
}

}  // namespace deadlined::calendar
