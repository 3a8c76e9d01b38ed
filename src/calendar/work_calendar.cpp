#include "calendar/work_calendar.hpp"

namespace deadlined::calendar {

bool WorkCalendar::is_working_day(date::local_days day) const {
  return workdays_[date::weekday{day}.c_encoding()];
}

date::local_days WorkCalendar::previous_working_day(date::local_days day) const {
  do {
    day -= date::days{1};
  } while (!is_working_day(day));
  return day;
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
