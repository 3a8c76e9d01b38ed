#include "scheduler/digest.hpp"

#include <algorithm>
#include <chrono>

namespace deadlined::scheduler {

namespace {

/// The instant of `time` on local `day`.
SysSeconds at(const config::Config& config, date::local_days day, std::chrono::minutes time) {
  return config.service.zone->to_sys(day + time, date::choose::earliest);
}

/// When a day's digest may still go: until day_end, or for a digest_time set after day_end,
/// within the hour after it.
std::chrono::minutes digest_until(const config::ServiceConfig& service) {
  return std::max(service.day_end, service.digest_time + std::chrono::minutes{60});
}

}  // namespace

bool digest_on_time(const config::Config& config, SysSeconds now) {
  auto today = date::floor<date::days>(config.service.zone->to_local(now));
  return config.calendar->is_working_day(today) &&
         now >= at(config, today, config.service.digest_time) &&
         now < at(config, today, digest_until(config.service));
}

SysSeconds next_digest(const config::Config& config, SysSeconds now, bool after_today) {
  const calendar::WorkCalendar& calendar = *config.calendar;
  auto today = date::floor<date::days>(config.service.zone->to_local(now));
  if (!after_today && calendar.is_working_day(today) &&
      now < at(config, today, digest_until(config.service)))
    return std::max(now, at(config, today, config.service.digest_time));
  return at(config, calendar.next_working_day(today), config.service.digest_time);
}

std::vector<message::DigestItem> digest_items(const config::Config& config, SysSeconds now,
                                              const schedule::Extensions& extensions,
                                              const LatestConfirmation& latest) {
  std::vector<message::DigestItem> items;
  for (schedule::OpenOccurrence& open : schedule::open_occurrences(config, now, extensions)) {
    message::DigestItem item{std::move(open), {}};
    for (const std::string& id : item.occurrence.task->responsible) {
      auto entry = latest(item.occurrence.assignment(id));
      bool confirmed = entry && entry->confirmed;
      std::optional<SysSeconds> extended;
      if (const auto* x = extensions.find(item.occurrence.assignment(id))) extended = x->due;
      item.units.push_back(
          {config.find_unit(id), confirmed, confirmed ? entry->at : SysSeconds{}, extended});
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace deadlined::scheduler
