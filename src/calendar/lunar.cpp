#include "calendar/lunar.hpp"

#include <cmath>
#include <numbers>

namespace deadlined::calendar {
namespace {

constexpr double k_synodic_month = 29.530588861;
constexpr double k_new_moon_epoch = 2451550.09766;  // JDE of the new moon of 6 January 2000
constexpr double k_zone_days = 7.0 / 24.0;          // UTC+7

double radians(double degrees) {
  return degrees * std::numbers::pi / 180.0;
}

double normalize_degrees(double degrees) {
  degrees = std::fmod(degrees, 360.0);
  return degrees < 0 ? degrees + 360.0 : degrees;
}

/// Julian Day Number at noon of a civil day.
long julian_day_number(date::local_days day) {
  // 1970-01-01 is JDN 2440588.
  return 2440588L + day.time_since_epoch().count();
}

date::local_days from_julian_day_number(long jdn) {
  return date::local_days{date::days{jdn - 2440588L}};
}

/// ΔT = TT - UT in seconds (Espenak and Meeus, polynomial expressions for 1900-2150).
double delta_t_seconds(double year) {
  if (year < 1920) {
    double t = year - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t -
           0.000197 * t * t * t * t;
  }
  if (year < 1941) {
    double t = year - 1920;
    return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
  }
  if (year < 1961) {
    double t = year - 1950;
    return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
  }
  if (year < 1986) {
    double t = year - 1975;
    return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
  }
  if (year < 2005) {
    double t = year - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
           0.000651814 * t * t * t * t + 0.00002373599 * t * t * t * t * t;
  }
  if (year < 2050) {
    double t = year - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  double u = (year - 1820) / 100;
  return -20 + 32 * u * u - 0.5628 * (2150 - year);
}

/// The instant (Julian Ephemeris Day) of new moon number k, counted from January 2000.
double new_moon_jde(long k) {
  const double kk = static_cast<double>(k);
  const double t = kk / 1236.85;
  const double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
  double jde = k_new_moon_epoch + k_synodic_month * kk + 0.00015437 * t2 - 0.000000150 * t3 +
               0.00000000073 * t4;
  const double e = 1 - 0.002516 * t - 0.0000074 * t2;
  const double m = radians(2.5534 + 29.10535670 * kk - 0.0000014 * t2 - 0.00000011 * t3);
  const double mp =
      radians(201.5643 + 385.81693528 * kk + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4);
  const double f =
      radians(160.7108 + 390.67050284 * kk - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4);
  const double omega = radians(124.7746 - 1.56375588 * kk + 0.0020672 * t2 + 0.00000215 * t3);
  jde += -0.40720 * std::sin(mp) + 0.17241 * e * std::sin(m) + 0.01608 * std::sin(2 * mp) +
         0.01039 * std::sin(2 * f) + 0.00739 * e * std::sin(mp - m) -
         0.00514 * e * std::sin(mp + m) + 0.00208 * e * e * std::sin(2 * m) -
         0.00111 * std::sin(mp - 2 * f) - 0.00057 * std::sin(mp + 2 * f) +
         0.00056 * e * std::sin(2 * mp + m) - 0.00042 * std::sin(3 * mp) +
         0.00042 * e * std::sin(m + 2 * f) + 0.00038 * e * std::sin(m - 2 * f) -
         0.00024 * e * std::sin(2 * mp - m) - 0.00017 * std::sin(omega) -
         0.00007 * std::sin(mp + 2 * m) + 0.00004 * std::sin(2 * mp - 2 * f) +
         0.00004 * std::sin(3 * m) + 0.00003 * std::sin(mp + m - 2 * f) +
         0.00003 * std::sin(2 * mp + 2 * f) - 0.00003 * std::sin(mp + m + 2 * f) +
         0.00003 * std::sin(mp - m + 2 * f) - 0.00002 * std::sin(mp - m - 2 * f) -
         0.00002 * std::sin(3 * mp + m) + 0.00002 * std::sin(4 * mp);
  // Planetary arguments: (argument at k = 0, rate per lunation, amplitude in days).
  static constexpr double k_planetary[14][3] = {
      {299.77, 0.107408, 0.000325},  {251.88, 0.016321, 0.000165}, {251.83, 26.651886, 0.000164},
      {349.42, 36.412478, 0.000126}, {84.66, 18.206239, 0.000110}, {141.74, 53.303771, 0.000062},
      {207.14, 2.453732, 0.000060},  {154.84, 7.306860, 0.000056}, {34.52, 27.261239, 0.000047},
      {207.19, 0.121824, 0.000042},  {291.34, 1.844379, 0.000040}, {161.72, 24.198154, 0.000037},
      {239.56, 25.513099, 0.000035}, {331.55, 3.592518, 0.000023}};
  for (std::size_t i = 0; i < 14; ++i) {
    double argument = k_planetary[i][0] + k_planetary[i][1] * kk;
    if (i == 0) argument -= 0.009173 * t2;
    jde += k_planetary[i][2] * std::sin(radians(argument));
  }
  return jde;
}

/// The local (UTC+7) day of new moon number k.
date::local_days new_moon_day(long k) {
  double jde = new_moon_jde(k);
  double year = 2000 + (jde - 2451545.0) / 365.25;
  double local_jd = jde - delta_t_seconds(year) / 86400.0 + k_zone_days;
  return from_julian_day_number(static_cast<long>(std::floor(local_jd + 0.5)));
}

/// The sun's apparent ecliptic longitude in degrees at Julian Day `jd` (UT).
double sun_longitude(double jd) {
  double year = 2000 + (jd - 2451545.0) / 365.25;
  double t = (jd + delta_t_seconds(year) / 86400.0 - 2451545.0) / 36525.0;
  double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
  double m = radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t);
  double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * std::sin(m) +
             (0.019993 - 0.000101 * t) * std::sin(2 * m) + 0.000289 * std::sin(3 * m);
  double omega = radians(125.04 - 1934.136 * t);
  return normalize_degrees(l0 + c - 0.00569 - 0.00478 * std::sin(omega));
}

/// Which 30° sector (major solar term) the sun is in at the start (local midnight) of `day`.
int sun_sector_at_start(date::local_days day) {
  double jd = static_cast<double>(julian_day_number(day)) - 0.5 - k_zone_days;
  return static_cast<int>(sun_longitude(jd) / 30.0);
}

/// The number k of the lunation that contains `day`, i.e. new_moon_day(k) <= day < next.
long lunation_of(date::local_days day) {
  double jd = static_cast<double>(julian_day_number(day));
  long k = static_cast<long>(std::floor((jd - k_new_moon_epoch) / k_synodic_month));
  while (new_moon_day(k + 1) <= day)
    ++k;
  while (new_moon_day(k) > day)
    --k;
  return k;
}

/// The lunation that is month 11 of the lunar year ending in solar year `year`: the one whose
/// span contains the December solstice, i.e. the last new moon day on or before 31 December
/// that begins before the sun reaches 270°.
long month11(int year) {
  long k = lunation_of(date::local_days{date::year{year} / 12 / 31});
  if (sun_sector_at_start(new_moon_day(k)) >= 9) --k;
  return k;
}

/// In the 13-month year that starts at month 11 `k11`, the offset (1..12) from month 11 of
/// the leap month: the first month during which the sun enters no new sector.
int leap_offset(long k11) {
  int previous = sun_sector_at_start(new_moon_day(k11 + 1));
  for (int i = 1; i <= 12; ++i) {
    int next = sun_sector_at_start(new_moon_day(k11 + i + 1));
    if (next == previous) return i;
    previous = next;
  }
  return 12;
}

bool has_thirteen_months(long k11, long next_k11) {
  return next_k11 - k11 == 13;
}

}  // namespace

LunarDate to_lunar(date::local_days day) {
  const long k = lunation_of(day);
  const date::local_days month_start = new_moon_day(k);
  const int solar_year = static_cast<int>(date::year_month_day{day}.year());
  long k11 = month11(solar_year);
  long next_k11 = k11;
  int lunar_year = 0;
  if (k11 > k) {
    lunar_year = solar_year;
    k11 = month11(solar_year - 1);
  } else {
    lunar_year = solar_year + 1;
    next_k11 = month11(solar_year + 1);
  }
  LunarDate out;
  out.day = static_cast<int>((day - month_start).count()) + 1;
  const long offset = k - k11;  // months since month 11
  long month = offset + 11;
  if (has_thirteen_months(k11, next_k11)) {
    const int leap = leap_offset(k11);
    if (offset >= leap) month = offset + 10;
    out.leap = offset == leap;
  }
  if (month > 12) month -= 12;
  if (month >= 11 && offset < 4) --lunar_year;
  out.month = static_cast<int>(month);
  out.year = lunar_year;
  return out;
}

std::optional<date::local_days> from_lunar(const LunarDate& lunar) {
  if (lunar.month < 1 || lunar.month > 12 || lunar.day < 1 || lunar.day > 30) return std::nullopt;
  long k11 = 0, next_k11 = 0;
  if (lunar.month < 11) {
    k11 = month11(lunar.year - 1);
    next_k11 = month11(lunar.year);
  } else {
    k11 = month11(lunar.year);
    next_k11 = month11(lunar.year + 1);
  }
  long offset = lunar.month - 11;
  if (offset < 0) offset += 12;
  if (has_thirteen_months(k11, next_k11)) {
    const int leap = leap_offset(k11);
    int leap_number = leap - 2;  // the month number the leap month repeats
    if (leap_number <= 0) leap_number += 12;
    if (lunar.leap && lunar.month != leap_number) return std::nullopt;
    if (lunar.leap || offset >= leap) ++offset;
  } else if (lunar.leap) {
    return std::nullopt;
  }
  const date::local_days start = new_moon_day(k11 + offset);
  const date::local_days result = start + date::days{lunar.day - 1};
  if (result >= new_moon_day(k11 + offset + 1)) return std::nullopt;
  return result;
}

int leap_month(int year) {
  // The year's months 1 to 10 lie before its month 11, months 11 and 12 after it.
  const long before = month11(year - 1), at = month11(year), after = month11(year + 1);
  if (has_thirteen_months(before, at)) {
    if (int leap = leap_offset(before); leap >= 3) return leap - 2;
  }
  if (has_thirteen_months(at, after)) {
    if (int leap = leap_offset(at); leap <= 2) return leap + 10;
  }
  return 0;
}

}  // namespace deadlined::calendar
