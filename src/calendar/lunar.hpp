#pragma once

#include <optional>

#include <date/date.h>

namespace deadlined::calendar {

/// A date of the Vietnamese lunisolar calendar (âm lịch).
struct LunarDate {
  int year = 0;       ///< the lunar year, named by the solar year in which its month 1 begins
  int month = 0;      ///< 1..12
  int day = 0;        ///< 1..30
  bool leap = false;  ///< a leap month (tháng nhuận) repeating `month`

  friend bool operator==(const LunarDate&, const LunarDate&) = default;
};

/// The Vietnamese lunar calendar, computed from astronomical rules: a month begins on the
/// local day (UTC+7, the 105°E meridian) of a new moon; month 11 is the month containing the
/// December solstice; in a year of 13 months between two months 11, the first month without
/// a major solar term (the sun entering a multiple of 30° of longitude) is the leap month.
/// New moons follow Meeus, Astronomical Algorithms ch. 49; the sun's longitude ch. 25; ΔT the
/// Espenak-Meeus polynomials. Valid for 1900-2100.

/// The lunar date of a solar (Gregorian) day.
LunarDate to_lunar(date::local_days day);

/// The solar day of a lunar date; nullopt if it does not exist (a leap flag on a month that is
/// not leap that year, or day 30 of a 29-day month).
std::optional<date::local_days> from_lunar(const LunarDate& lunar);

/// The leap month of lunar year `year` (1..12), or 0 when it has none.
int leap_month(int year);

}  // namespace deadlined::calendar
