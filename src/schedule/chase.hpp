#pragma once

// Chasing keeps office hours: overdue notices, escalations and catch-ups go out on working
// days between send_time and day_end. Pure: `now` is passed in.

#include <optional>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "config/config.hpp"
#include "schedule/occurrence.hpp"
#include "schedule/schedule.hpp"

namespace deadlined::schedule {

/// `local` in the service zone as an instant (the earlier one of a repeated hour).
SysSeconds local_to_sys(const config::Config& config, date::local_seconds local);

/// The local day of `instant` in the service zone.
date::local_days local_day_of(const config::Config& config, SysSeconds instant);

/// Whether `t` is within office hours: on a working day, at or after send_time and before
/// day_end.
bool in_office_hours(const config::Config& config, SysSeconds t);

/// The earliest instant at or after `t` within office hours: `t` itself when it is, else
/// send_time of the same working day (before it) or of the next working day.
SysSeconds office_time(const config::Config& config, SysSeconds t);

/// The overdue notices and escalations of an occurrence, appended to `out`: for each
/// responsible unit, a first notice at send_time of the first working day after the
/// deadline's day that is at or after the deadline plus `delay`; then one every `every`
/// working days at send_time, at most `notices` in all and none after chase_end; and, after
/// `escalate_after` working days, one escalation to each leadership unit at send_time. Each
/// notice is obsolete (`until`) once the next one is due.
void add_chase(const config::Config& config, const calendar::WorkCalendar& calendar,
               const config::Plan& plan, const config::Task& task, const Occurrence& occurrence,
               std::vector<Reminder>& out);

/// When a stage missed while the daemon was down, found at `now`, goes out: at once within
/// office hours, for an exact-time lead ("2h"), or for a reminder whose deadline would pass
/// before the next working morning; else at that morning (office_time). Nullopt when an
/// overdue notice or escalation would be obsolete by then (the next notice goes instead, or
/// the chase is over).
std::optional<SysSeconds> catch_up_time(const config::Config& config, const Reminder& reminder,
                                        SysSeconds now);

}  // namespace deadlined::schedule
