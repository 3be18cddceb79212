"""When a school's nightly sync runs: a fixed slot per school in the night window, spread evenly
(CRC-32 of the school code), so 8,000 schools do not start at once and a school's slot is stable."""

from __future__ import annotations

import datetime as dt
import zlib

from django.conf import settings
from django.utils import timezone


def _minutes(clock_time: str) -> int:
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


def night_slot(school_code: str, after: dt.datetime) -> dt.datetime:
    """The first moment after `after` that is this school's slot in the night window (local time)."""
    start, end = (_minutes(part) for part in settings.LAS_NIGHT_WINDOW.split("-"))
    length = (end - start) % (24 * 60) or 24 * 60
    offset = zlib.crc32(school_code.encode()) % (length * 60)
    local = timezone.localtime(after)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for days in (0, 1, 2):
        candidate = midnight + dt.timedelta(days=days, minutes=start, seconds=offset)
        candidate = timezone.make_aware(candidate.replace(tzinfo=None))
        if candidate > after:
            return candidate
    raise AssertionError("unreachable")
