"""Which school year is in force at a school on a day (rule B7).

A school year starts on 1 August unless the school set another day for it (`SchoolYearStart`, between
1 July and 30 September of its first calendar year). A file for a later year than the one in force
is staged (`importing.actions`); the switch is the day its start date is reached.

`in_force_years(day)` is the one place this is decided: the year `core.clock.current_school_year_start`
gives, except for the schools whose own start day lies on the other side of `day` than 1 August
(only possible from July to September). `roster.rules.group_in_force_q` uses it, so every query for
groups and memberships in force (logins, group overview, tiles, licence requests, claims) switches
at each school on its own day, at query time: nothing has to run at midnight. The set of such
schools is read once a minute per process (`CACHE_SECONDS`) and only from July to September; in
every other month, and for schools that keep 1 August, the query is the same as without it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from klaspoort.core import clock
from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import SchoolYearStart

EARLIEST = (7, 1)  # month, day: a start day lies in July, August or September
LATEST = (9, 30)


def default_start(start_year: int) -> dt.date:
    return dt.date(start_year, 8, 1)


def allowed_range(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, *EARLIEST), dt.date(start_year, *LATEST)


def start_dates(school: SchoolLocation, years: list[int]) -> dict[int, dt.date]:
    """The start day of each of `years` at `school` (one query)."""
    chosen = dict(
        SchoolYearStart.objects.filter(school=school, school_year__start_year__in=years).values_list(
            "school_year__start_year", "starts_on"
        )
    )
    return {year: chosen.get(year, default_start(year)) for year in years}


def starts_on(school: SchoolLocation, start_year: int) -> dt.date:
    return start_dates(school, [start_year])[start_year]


CACHE_SECONDS = 60.0
_cache: dict[int, tuple[float, dict[int, dt.date]]] = {}  # start year -> (read at, school id -> day)


def forget_start_dates() -> None:
    """Drop this process's copy of the schools' own start days (after one changed)."""
    _cache.clear()


def _own_starts(start_year: int) -> dict[int, dt.date]:
    read_at, starts = _cache.get(start_year, (0.0, {}))
    if time.monotonic() - read_at < CACHE_SECONDS:
        return starts
    starts = dict(
        SchoolYearStart.objects.filter(school_year__start_year=start_year).values_list(
            "school_id", "starts_on"
        )
    )
    _cache[start_year] = (time.monotonic(), starts)
    return starts


@dataclass(frozen=True)
class YearsInForce:
    usual: int  # the year in force at schools that start on 1 August
    other: int  # the year in force at the schools in `schools`
    schools: frozenset[int]  # ids of schools whose own start day puts them in the other year

    def at(self, school_id: int) -> int:
        return self.other if school_id in self.schools else self.usual


def in_force_years(on: dt.date | None = None) -> YearsInForce:
    day = on or clock.today()
    usual = current_school_year_start(day)
    if day.month not in (7, 8, 9):
        return YearsInForce(usual, usual, frozenset())
    august = default_start(day.year)
    own = _own_starts(day.year)
    schools = frozenset(school for school, start in own.items() if (start <= day) != (august <= day))
    return YearsInForce(usual, day.year - 1 if usual == day.year else day.year, schools)


def year_in_force(school: SchoolLocation | int, on: dt.date | None = None) -> int:
    """The start year of the school year in force at `school` on `on` (today by default)."""
    return in_force_years(on).at(school if isinstance(school, int) else school.pk)
