#pragma once

#include <string>

#include <date/tz.h>

namespace deadlined::message {

/// ISO 8601 with the zone's offset: 2020-11-03T17:00:00+07:00.
std::string iso8601(const date::time_zone* zone, date::sys_seconds instant);

/// RFC 5322 date: Tue, 03 Nov 2020 17:00:00 +0700.
std::string rfc5322_date(const date::time_zone* zone, date::sys_seconds instant);

/// Vietnamese date as written in official documents: 03/11/2020.
std::string vn_date(const date::time_zone* zone, date::sys_seconds instant);
std::string vn_date(date::local_days day);

/// Local time of day: 17:00.
std::string vn_time(const date::time_zone* zone, date::sys_seconds instant);

}  // namespace deadlined::message
