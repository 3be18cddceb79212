"""Which school year is in force at a school on a day (rule B7).

A school year starts on 1 August unless the school set another day for it (`SchoolYearStart`, between
1 July and 30 September of its first calendar year). A file for a later year than the one in force
is staged (`importing.actions`); the switch is the day its start date is reached.
"""

from __future__ import annotations

import datetime as dt

from klaspoort.core import clock
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


def year_in_force(school: SchoolLocation, on: dt.date | None = None) -> int:
    """The start year of the school year in force at `school` on `on` (today by default)."""
    day = on or clock.today()
    starts = start_dates(school, [day.year])
    return day.year if day >= starts[day.year] else day.year - 1
