#!/usr/bin/python3
"""Generates vn_lunar_1900_2100.csv: for each lunar year, the solar dates of Tết (1/1),
Giỗ Tổ Hùng Vương (10/3) and the leap month (0: none).

Independent of the C++ code: the new moons and the sun's longitude come from PyEphem
(Debian python3-ephem, libastro: VSOP87 and the ELP lunar theory), and the rules are applied
anew here: a month starts on the UTC+7 day of a new moon; month 11 contains the December
solstice; in a 13-month year the first month in which the sun enters no new 30° sector is
the leap month. Run: /usr/bin/python3 tests/data/gen_vn_lunar.py > tests/data/vn_lunar_1900_2100.csv
"""
import datetime as dt
import math

import ephem

ZONE = dt.timedelta(hours=7)


def local_day(when: ephem.Date) -> dt.date:
    return (when.datetime() + ZONE).date()


def new_moons(start_year: int, end_year: int) -> list:
    """Local days of every new moon from start_year-1 to end_year+1."""
    days = []
    d = ephem.Date(f"{start_year - 1}/1/1")
    end = ephem.Date(f"{end_year + 2}/1/1")
    while d < end:
        d = ephem.next_new_moon(d)
        days.append(local_day(d))
        d = ephem.Date(d + 1)
    return days


def sector_at_start(day: dt.date) -> int:
    midnight_utc = dt.datetime.combine(day, dt.time()) - ZONE
    sun = ephem.Sun(ephem.Date(midnight_utc))
    lon = math.degrees(ephem.Ecliptic(sun, epoch=ephem.Date(midnight_utc)).lon)
    return int(lon // 30)


def main() -> None:
    moons = new_moons(1899, 2101)

    def month11(year: int) -> int:
        """Index into moons of month 11 of the lunar year ending in `year`."""
        solstice = local_day(ephem.next_winter_solstice(f"{year}/12/1"))
        idx = max(i for i, d in enumerate(moons) if d <= solstice)
        return idx

    print("lunar_year,tet,gio_to,leap_month")
    for year in range(1900, 2101):
        k_prev, k_this, k_next = month11(year - 1), month11(year), month11(year + 1)
        numbering = {}  # moon index -> (year, month, leap)
        for k11, k_end, owner in ((k_prev, k_this, year), (k_this, k_next, year + 1)):
            leap = 0
            if k_end - k11 == 13:
                for i in range(1, 13):
                    if sector_at_start(moons[k11 + i]) == sector_at_start(moons[k11 + i + 1]):
                        leap = i
                        break
            for off in range(0, k_end - k11):
                month = off + 11
                is_leap = False
                if leap and off >= leap:
                    month = off + 10
                    is_leap = off == leap
                if month > 12:
                    month -= 12
                numbering[k11 + off] = (owner - 1 if month >= 11 and off < 4 else owner, month,
                                        is_leap)
        tet = next(moons[k] for k, v in sorted(numbering.items()) if v == (year, 1, False))
        m3 = next(moons[k] for k, v in sorted(numbering.items()) if v == (year, 3, False))
        leaps = [v[1] for v in numbering.values() if v[0] == year and v[2]]
        print(f"{year},{tet.isoformat()},{(m3 + dt.timedelta(days=9)).isoformat()},"
              f"{leaps[0] if leaps else 0}")


if __name__ == "__main__":
    main()
