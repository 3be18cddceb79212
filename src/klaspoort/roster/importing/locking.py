"""Two imports for one school never interleave.

PostgreSQL: a row lock on the SchoolLocation (`SELECT ... FOR NO KEY UPDATE`) held until the
import's transaction ends; the second import waits, then reads the roster the first one left. The
NO KEY form leaves rows that refer to the school (ImportRun, sessions, …) insertable meanwhile: a
plain FOR UPDATE would make every such insert wait for the import. SQLite: the
settings open every transaction with BEGIN IMMEDIATE, so a writer holds the database's write lock
from its first statement; `select_for_update` is a no-op there and the same order results.

`wait=False` (the web upload): on PostgreSQL the lock is taken with NOWAIT and `SchoolBusy` is
raised at once when another import holds it, so the coordinator is told to wait instead of
watching a page that hangs.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction

from klaspoort.registry.models import SchoolLocation


class SchoolBusy(Exception):
    """Another import of the school is running (only with `wait=False`)."""


class SchoolClosed(Exception):
    """The school was closed (or merged or split) while the import waited for it: nothing to do."""


def lock_school(school: SchoolLocation, *, wait: bool = True) -> SchoolLocation:
    """Lock `school` for the rest of the current transaction and return it fresh from the database."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_school must be called inside transaction.atomic()")
    if wait:
        return SchoolLocation.objects.select_for_update(no_key=True).get(pk=school.pk)
    try:
        with transaction.atomic():
            return SchoolLocation.objects.select_for_update(nowait=True, no_key=True).get(pk=school.pk)
    except DatabaseError as exc:
        raise SchoolBusy(school.code) from exc
