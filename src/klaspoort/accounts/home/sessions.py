"""Ending home sessions of children: when a home address is removed, the parent behind it loses
access to that child at once, on every worker; likewise when an import removes the pupil.

    end_child_sessions(account_ids, pupil) -> int
    end_home_sessions(account_ids, school_ref, pupil_uuids) -> int
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.sessions import end_sessions_where
from klaspoort.roster.models import Pupil


def end_home_sessions(
    account_ids: Iterable[int], school_ref: uuid.UUID, pupil_uuids: Iterable[uuid.UUID]
) -> int:
    """End the sessions of these parent accounts that act (home context) as one of these pupils of
    one school.

    Sessions are indexed by account and school; the few of these parents at this school are decoded
    to find the child. Listeners of `principals_ended` are told, as for every other ending session.
    """
    ids = list(account_ids)
    persons = set(pupil_uuids)
    if not ids or not persons:
        return 0
    return end_sessions_where(
        AccountSession.objects.filter(account_id__in=ids, school_ref=school_ref),
        lambda principal: (
            principal is not None and principal.context == "home" and principal.person in persons
        ),
    )


def end_child_sessions(account_ids: Iterable[int], pupil: Pupil) -> int:
    return end_home_sessions(account_ids, pupil.school.instelling_ref, [pupil.uuid])
