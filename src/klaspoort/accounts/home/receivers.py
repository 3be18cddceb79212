"""Receivers of roster signals (connected in `HomeAccountsConfig.ready`).

pupils_removed → the parents of those pupils lose access at once: their home sessions acting as
                 those pupils end. The home addresses stay (a pupil who returns keeps them); the
                 child picker only lists active pupils.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.home.sessions import end_home_sessions
from klaspoort.audit.events import record_event
from klaspoort.registry.models import SchoolLocation


def on_pupils_removed(
    sender: Any, school: SchoolLocation, pupil_uuids: Iterable[uuid.UUID], **kwargs: Any
) -> None:
    pupils = list(pupil_uuids)
    accounts = set(
        HomeAddress.objects.filter(pupil__uuid__in=pupils, account__isnull=False).values_list(
            "account_id", flat=True
        )
    )
    ended = end_home_sessions(accounts, school.instelling_ref, pupils)
    if ended:
        record_event(
            "sessions.ended", actor="import", subject=f"school:{school.code}",
            school_ref=school.instelling_ref, reason="pupils_removed", context="home", count=ended,
        )  # fmt: skip
