"""Receivers of roster signals (connected in `PupilAccountsConfig.ready`).

pupils_removed → the pupils' own sessions at that school end at once (B5), as staff sessions do on
                 staff_access_removed. Their credentials stay (a pupil who returns keeps them); the
                 login pages only offer active pupils.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from klaspoort.accounts.pupils.sessions import end_pupil_sessions
from klaspoort.audit.events import record_event
from klaspoort.registry.models import SchoolLocation


def on_pupils_removed(
    sender: Any, school: SchoolLocation, pupil_uuids: Iterable[uuid.UUID], **kwargs: Any
) -> None:
    ended = end_pupil_sessions(school.instelling_ref, pupil_uuids)
    if ended:
        record_event(
            "sessions.ended", actor="import", subject=f"school:{school.code}",
            school_ref=school.instelling_ref, reason="pupils_removed", context="school", count=ended,
        )  # fmt: skip
