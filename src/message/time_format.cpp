#include "message/time_format.hpp"

namespace deadlined::message {

std::string iso8601(const date::time_zone* zone, date::sys_seconds instant) {
  return date::format("%FT%T%Ez", date::make_zoned(zone, instant));
}

std::string rfc5322_date(const date::time_zone* zone, date::sys_seconds instant) {
  // %a and %b are locale-free in date::format with the default "C" stream locale.
  return date::format("%a, %d %b %Y %T %z", date::make_zoned(zone, instant));
}

std::string vn_date(const date::time_zone* zone, date::sys_seconds instant) {
  return date::format("%d/%m/%Y", date::make_zoned(zone, instant));
}

std::string vn_date(date::local_days day) {
  return date::format("%d/%m/%Y", day);
}

std::string vn_time(const date::time_zone* zone, date::sys_seconds instant) {
  return date::format("%H:%M", date::make_zoned(zone, instant));
}

}  // namespace deadlined::message
