"""Ending pupils' own sessions (the school login with picture and code) at once, on every worker.

A pupil at school has no account: the session is found by the school it works at (indexed) and
its principal (decoded). Home sessions (a parent acting for the child) are ended by the home login
(`accounts.home.sessions`).

    end_pupil_sessions(school_ref, pupil_uuids) -> int
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.sessions import end_sessions_where
from klaspoort.core import clock


def end_pupil_sessions(school_ref: uuid.UUID, pupil_uuids: Iterable[uuid.UUID]) -> int:
    """End the school sessions of these pupils of one school, however many: two queries."""
    persons = set(pupil_uuids)
    if not persons:
        return 0
    return end_sessions_where(
        AccountSession.objects.filter(school_ref=school_ref, expire_date__gt=clock.now()),
        lambda principal: (
            principal is not None
            and principal.kind == "pupil"
            and principal.context == "school"
            and principal.person in persons
        ),
    )
