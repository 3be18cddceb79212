"""One place to ask for the time, so tests can reason about it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def current_school_year_start(on: dt.date | None = None) -> int:
    """School years run from 1 August; 2026-11-28 lies in 2026-2027."""
    day = on or today()
    return day.year if day.month >= 8 else day.year - 1


def school_year_first_day(start_year: int) -> dt.date:
    """The first day of the school year starting in `start_year` (1 August)."""
    return dt.date(start_year, 8, 1)
