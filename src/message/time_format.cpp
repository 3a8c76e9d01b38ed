#include "message/time_format.hpp"

#include <array>
#include <cstdlib>

namespace deadlined::message {
namespace {

// Formatted by hand: date::format builds a stream per call, which was the largest cost of
// rendering a reminder in a burst of thousands.

struct Civil {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0, weekday = 0;
  long offset_minutes = 0;  ///< east of UTC
};

Civil civil(date::local_seconds local) {
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> time{local - day};
  Civil c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.day = static_cast<unsigned>(ymd.day());
  c.hour = static_cast<unsigned>(time.hours().count());
  c.minute = static_cast<unsigned>(time.minutes().count());
  c.second = static_cast<unsigned>(time.seconds().count());
  c.weekday = date::weekday{day}.c_encoding();
  return c;
}

Civil civil(const date::time_zone* zone, date::sys_seconds instant) {
  auto info = zone->get_info(instant);
  Civil c = civil(date::local_seconds{instant.time_since_epoch() + info.offset});
  c.offset_minutes = static_cast<long>(info.offset.count() / 60);
  return c;
}

void put(std::string& out, unsigned value, int digits) {
  std::array<char, 10> buffer{};
  for (int i = digits - 1; i >= 0; --i, value /= 10)
    buffer[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  out.append(buffer.data(), static_cast<std::size_t>(digits));
}

void put_year(std::string& out, int year) {
  if (year < 0) out += '-';
  put(out, static_cast<unsigned>(std::abs(year)), 4);
}

/// "+07:00" with a colon (ISO 8601), "+0700" without (RFC 5322).
void put_offset(std::string& out, long minutes, bool colon) {
  out += minutes < 0 ? '-' : '+';
  auto magnitude = static_cast<unsigned>(std::labs(minutes));
  put(out, magnitude / 60, 2);
  if (colon) out += ':';
  put(out, magnitude % 60, 2);
}

void put_date(std::string& out, const Civil& c, char separator, bool day_first) {
  if (day_first) {
    put(out, c.day, 2);
    out += separator;
    put(out, c.month, 2);
    out += separator;
    put_year(out, c.year);
  } else {
    put_year(out, c.year);
    out += separator;
    put(out, c.month, 2);
    out += separator;
    put(out, c.day, 2);
  }
}

void put_time(std::string& out, const Civil& c, bool seconds) {
  put(out, c.hour, 2);
  out += ':';
  put(out, c.minute, 2);
  if (seconds) {
    out += ':';
    put(out, c.second, 2);
  }
}

}  // namespace

std::string iso8601(const date::time_zone* zone, date::sys_seconds instant) {
  Civil c = civil(zone, instant);
  std::string out;
  out.reserve(25);
  put_date(out, c, '-', false);
  out += 'T';
  put_time(out, c, true);
  put_offset(out, c.offset_minutes, true);
  return out;
}

std::string rfc5322_date(const date::time_zone* zone, date::sys_seconds instant) {
  static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = civil(zone, instant);
  std::string out;
  out.reserve(31);
  out += k_days[c.weekday];
  out += ", ";
  put(out, c.day, 2);
  out += ' ';
  out += k_months[c.month - 1];
  out += ' ';
  put_year(out, c.year);
  out += ' ';
  put_time(out, c, true);
  out += ' ';
  put_offset(out, c.offset_minutes, false);
  return out;
}

std::string vn_date(const date::time_zone* zone, date::sys_seconds instant) {
  std::string out;
  put_date(out, civil(zone, instant), '/', true);
  return out;
}

std::string vn_date(date::local_days day) {
  std::string out;
  put_date(out, civil(date::local_seconds{day}), '/', true);
  return out;
}

std::string vn_time(const date::time_zone* zone, date::sys_seconds instant) {
  std::string out;
  put_time(out, civil(zone, instant), false);
  return out;
}

}  // namespace deadlined::message
