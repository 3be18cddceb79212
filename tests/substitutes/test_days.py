from __future__ import annotations

import datetime as dt

import pytest

from klaspoort.substitutes.days import is_school_day, last_school_day, school_days_between

MONDAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("first", "count", "last"),
    [
        (MONDAY, 1, MONDAY),
        (MONDAY, 2, dt.date(2026, 12, 1)),
        (MONDAY, 5, dt.date(2026, 12, 4)),  # Monday to Friday
        (dt.date(2026, 12, 3), 2, dt.date(2026, 12, 4)),  # Thursday, Friday
        (dt.date(2026, 12, 4), 2, dt.date(2026, 12, 7)),  # Friday, then Monday: the weekend skipped
        (dt.date(2026, 12, 3), 5, dt.date(2026, 12, 9)),  # Thursday to Wednesday
        (dt.date(2026, 12, 31), 2, dt.date(2027, 1, 1)),  # across the year: Thursday, Friday
    ],
)
def test_the_last_school_day_skips_weekends(first: dt.date, count: int, last: dt.date) -> None:
    assert last_school_day(first, count) == last
    assert school_days_between(first, last) == count


def test_weekends_are_no_school_days() -> None:
    week = [MONDAY + dt.timedelta(days=offset) for offset in range(7)]
    assert [is_school_day(day) for day in week] == [True, True, True, True, True, False, False]


def test_a_count_below_one_or_a_weekend_start_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        last_school_day(MONDAY, 0)
    with pytest.raises(ValueError, match="not a school day"):
        last_school_day(dt.date(2026, 12, 5), 1)
