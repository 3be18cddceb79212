"""School days: Monday to Friday. The platform knows no school holidays (a school's holidays are not
in the roster files), so a substitute for 5 school days from a Thursday works Thursday to Wednesday.
"""

from __future__ import annotations

import datetime as dt

CHOICES = (1, 2, 5)  # a substitute slot is activated for 1, 2 or 5 school days (C14)


def is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5


def last_school_day(first: dt.date, count: int) -> dt.date:
    """The last of `count` school days starting on `first` (itself a school day)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not is_school_day(first):
        raise ValueError(f"{first} is not a school day")
    day, left = first, count - 1
    while left:
        day += dt.timedelta(days=1)
        if is_school_day(day):
            left -= 1
    return day


def school_days_between(first: dt.date, last: dt.date) -> int:
    """How many school days lie from `first` to `last`, both included."""
    return sum(1 for offset in range((last - first).days + 1) if is_school_day(first + dt.timedelta(offset)))
