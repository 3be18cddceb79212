"""The file that was imported last, once more: nothing to read, plan or write (`skip_unchanged`).

The automatic link delivers every school's export every night, and most nights most schools have
not changed. When the file's SHA-256 equals the one of the school's newest run that wrote the roster
(applied, or staged for the next year), the roster is still what that file made it, so a plan would
find nothing: the run is recorded (history, audit) with the earlier run's counts as unchanged, its
skipped staff and its warnings, without reading the file. It does not apply when something else may
have changed what that file would plan:

- the school year in force moved on (an applied file's year is no longer in force, or a staged
  year's start day has come: the switch run wrote the roster since),
- the school's code changed (the file would be refused as another school's now),
- a staff member was added to the school or given roles by hand since that run (an audit event
  "staff.…" of the school after that run's "roster.import"; audit ids, not clocks, give the order).

The check is made again with the school locked, so no other import can come in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Subquery

from klaspoort.audit.models import AuditEvent
from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.document import Problem
from klaspoort.roster.importing.changes import SkippedStaff, Tally
from klaspoort.roster.importing.plan import Plan
from klaspoort.roster.models import ImportRun

Status = ImportRun.Status
WROTE = (Status.APPLIED, Status.STAGED)


def last_same_import(school: SchoolLocation, sha256: str, in_force: int) -> ImportRun | None:
    """The school's newest run that wrote the roster, when it imported this very file and nothing
    has changed since that the file would plan differently (see the module docstring)."""
    if not sha256:
        return None
    last = (
        ImportRun.objects.filter(school=school, status__in=WROTE)
        .select_related("school_year")
        .order_by("-started_at", "-id")
        .first()
    )
    if last is None or last.file_sha256 != sha256 or last.school_year is None:
        return None
    year = last.school_year.start_year
    if (year != in_force) if last.status == Status.APPLIED else (year <= in_force):
        return None
    if last.report.get("school") != school.code or _staff_changed_by_hand(school, last):
        return None
    return last


def _staff_changed_by_hand(school: SchoolLocation, run: ImportRun) -> bool:
    if school.instelling_ref is None:
        return True
    events = AuditEvent.objects.filter(school_ref=school.instelling_ref)
    mark = events.filter(action="roster.import", data__run=run.pk).values("id")[:1]
    return events.filter(action__startswith="staff.", id__gt=Subquery(mark)).exists()


def _all_unchanged(counts: dict[str, int]) -> Tally:
    return Tally(unchanged=sum(counts.get(name, 0) for name in ("added", "changed", "unchanged")))


def plan_as_before(last: ImportRun, school_code: str) -> Plan:
    """The plan the file would make now: everything it lists unchanged, nothing removed."""
    assert last.school_year is not None
    counts = last.counts or {}
    return Plan(
        school_code,
        last.school_year.start_year,
        groups=_all_unchanged(counts.get("groups", {})),
        pupils=_all_unchanged(counts.get("pupils", {})),
        staff=_all_unchanged(counts.get("staff", {})),
        skipped_staff=[_skipped(skip) for skip in last.skipped_staff],
        staged=last.status == Status.STAGED,
    )


def warnings_as_before(last: ImportRun) -> list[Problem]:
    return [Problem(int(item.get("line") or 0), _text(item)) for item in last.warnings]


def _text(data: Mapping[str, Any] | str) -> Text | str:
    """A text as `core.i18n.texts.stored` kept it (message id and values), or a plain string."""
    if isinstance(data, str):
        return data
    if data.get("msgid"):
        try:
            return Text.from_data(data)
        except TypeError:
            pass
    return str(data.get("message", ""))


def _skipped(skip: Mapping[str, Any]) -> SkippedStaff:
    reasons = skip.get("reasons") or [str(skip.get("reason", ""))]
    texts = tuple(text if isinstance(text, Text) else deferred(text) for text in map(_text, reasons))
    return SkippedStaff(str(skip["key"]), texts, int(skip.get("line") or 0))
