#include "calendar/work_calendar.hpp"

#include "calendar/holidays.hpp"

namespace deadlined::calendar {

bool WorkCalendar::is_working_day(date::local_days day) const {
  bool by_pattern = workdays_[date::weekday{day}.c_encoding()];
  if (!vietnam_holidays_) return by_pattern;
  const auto& found = exceptions(static_cast<int>(date::year_month_day{day}.year()));
  auto it = found.find(day);
  return it == found.end() ? by_pattern : it->second;
}

std::vector<SpecialDay> WorkCalendar::special_days(int year) const {
  if (!vietnam_holidays_) return {};
  return vietnam_holidays(year, workdays_, decisions_);
}

const std::map<date::local_days, bool>& WorkCalendar::exceptions(int year) const {
  auto it = exceptions_.find(year);
  if (it != exceptions_.end()) return it->second;
  std::map<date::local_days, bool> found;
  for (const SpecialDay& d : special_days(year))
    found[d.date] = d.kind == SpecialDay::Kind::swap_work;
  return exceptions_.emplace(year, std::move(found)).first->second;
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
