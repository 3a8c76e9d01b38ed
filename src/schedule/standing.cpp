#include "schedule/standing.hpp"

#include "schedule/chase.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::schedule {

Standing standing_of(const config::Config& config, SysSeconds deadline,
                     std::optional<SysSeconds> done_at, SysSeconds now) {
  const calendar::WorkCalendar& calendar = calendar_of(config);
  const date::local_days deadline_day = local_day_of(config, deadline);
  if (done_at) {
    if (*done_at <= deadline) return {State::on_time, 0};
    return {State::late, calendar.working_days_after(deadline_day, local_day_of(config, *done_at))};
  }
  const date::local_days today = local_day_of(config, now);
  if (now <= deadline) return {State::open, calendar.working_days_after(today, deadline_day)};
  return {State::overdue, calendar.working_days_after(deadline_day, today)};
}

}  // namespace deadlined::schedule
