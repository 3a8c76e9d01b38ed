#include "calendar/work_calendar.hpp"

#include "calendar/holidays.hpp"

namespace deadlined::calendar {

bool WorkCalendar::is_working_day(date::local_days day) const {
  if (!workdays_[date::weekday{day}.c_encoding()]) return false;
  if (!vietnam_holidays_) return true;
  return days_off(static_cast<int>(date::year_month_day{day}.year())).count(day) == 0;
}

const std::set<date::local_days>& WorkCalendar::days_off(int year) const {
  auto it = days_off_.find(year);
  if (it != days_off_.end()) return it->second;
  std::set<date::local_days> off;
  for (const SpecialDay& d : vietnam_holidays(year, workdays_)) {
    if (d.kind != SpecialDay::Kind::swap_work) off.insert(d.date);
  }
  return days_off_.emplace(year, std::move(off)).first->second;
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
