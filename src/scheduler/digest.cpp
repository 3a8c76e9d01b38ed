#include "scheduler/digest.hpp"

#include <algorithm>

namespace deadlined::scheduler {

SysSeconds next_digest(const config::Config& config, SysSeconds now, bool after_today) {
  const auto* zone = config.service.zone;
  const calendar::WorkCalendar& calendar = *config.calendar;
  auto today = date::floor<date::days>(zone->to_local(now));
  auto at = [&](date::local_days day, std::chrono::minutes time) {
    return zone->to_sys(day + time, date::choose::earliest);
  };
  if (!after_today && calendar.is_working_day(today) && now < at(today, config.service.day_end))
    return std::max(now, at(today, config.service.digest_time));
  return at(calendar.next_working_day(today), config.service.digest_time);
}

std::vector<message::DigestItem> digest_items(const config::Config& config, SysSeconds now,
                                              const LatestConfirmation& latest) {
  std::vector<message::DigestItem> items;
  for (schedule::OpenOccurrence& open : schedule::open_occurrences(config, now)) {
    message::DigestItem item{std::move(open), {}};
    for (const std::string& id : item.occurrence.task->responsible) {
      auto entry = latest(item.occurrence.assignment(id));
      bool confirmed = entry && entry->confirmed;
      item.units.push_back({config.find_unit(id), confirmed, confirmed ? entry->at : SysSeconds{}});
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace deadlined::scheduler
