"""`do_import_edexml`: read → check → lock → plan → guard → apply → record, for one school.

Statuses: "applied"; "dry-run" (planned, nothing written); "rejected" (bad file, another school, an
older school year: nothing written); "held" (the mass-removal guard: nothing written); "failed"
(an internal error: nothing written, the error is raised again). Every run is recorded as an
ImportRun and an audit event "roster.import". Signals (`roster.signals`) go out only after commit.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction

from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.core.gcpause import collector_paused
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster import signals
from klaspoort.roster.edexml.document import Problem
from klaspoort.roster.edexml.reader import default_max_bytes, read_edexml
from klaspoort.roster.importing.apply import Applied, apply_plan
from klaspoort.roster.importing.guard import mass_removals
from klaspoort.roster.importing.load import load_roster, school_identity
from klaspoort.roster.importing.locking import lock_school
from klaspoort.roster.importing.plan import Plan, check_school, make_plan
from klaspoort.roster.models import ImportRun, SchoolYear

Status = ImportRun.Status


@dataclass
class ImportOutcome:
    status: str
    school_code: str
    run: ImportRun | None = None
    plan: Plan | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in {Status.APPLIED, Status.DRY_RUN}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _send_signals(school: SchoolLocation, run: ImportRun, applied: Applied) -> None:
    if applied.staff_added:
        signals.staff_added.send(sender=ImportRun, school=school, staff_uuids=applied.staff_added, run=run)
    if applied.staff_access_removed:
        signals.staff_access_removed.send(
            sender=ImportRun, school=school, staff_uuids=applied.staff_access_removed, run=run
        )
    if applied.pupils_removed:
        signals.pupils_removed.send(
            sender=ImportRun, school=school, pupil_uuids=applied.pupils_removed, run=run
        )


class _Run:
    """Collects what is recorded about one import."""

    def __init__(self, school: SchoolLocation, data: bytes, **details: Any) -> None:
        self.school = school
        self.started_at = clock.now()
        self._clock = time.perf_counter()
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.size = len(data)
        self.details = details

    def record(self, outcome: ImportOutcome) -> ImportOutcome:
        plan = outcome.plan
        year = SchoolYear.objects.filter(start_year=plan.start_year).first() if plan else None
        counts = plan.counts() if plan else Plan(outcome.school_code, 0).counts()
        outcome.run = ImportRun.objects.create(
            school=self.school,
            school_year=year,
            actor=str(self.details["actor"])[:128],
            source=self.details["source"],
            status=outcome.status,
            file_name=str(self.details["file_name"])[:255],
            file_sha256=self.sha256,
            file_size=self.size,
            mass_removal_allowed=bool(self.details["allow_mass_removal"]),
            counts=counts,
            skipped_staff=[skip.as_dict() for skip in plan.skipped_staff] if plan else [],
            warnings=[problem.as_dict() for problem in outcome.warnings],
            errors=[problem.as_dict() for problem in outcome.errors],
            started_at=self.started_at,
            duration_ms=round((time.perf_counter() - self._clock) * 1000),
        )
        record_event(
            "roster.import",
            outcome=outcome.status,
            actor=str(self.details["actor"]),
            subject=f"school:{self.school.code}",
            school_ref=self.school.instelling_ref,
            run=outcome.run.pk,
            source=self.details["source"],
            sha256=self.sha256,
            counts=counts,
            errors=len(outcome.errors),
        )
        return outcome


def do_import_edexml(
    school: SchoolLocation,
    data: bytes,
    *,
    source: str,
    actor: str = "",
    file_name: str = "",
    dry_run: bool = False,
    allow_mass_removal: bool = False,
    file_size: int | None = None,
) -> ImportOutcome:
    """Import the EDEXML file `data` into `school` (see the module docstring for the outcomes).
    `file_size`: the real size when `data` was cut off at the size limit (the file is then refused).
    The garbage collector is paused meanwhile, so that time stays linear in the roster's size."""
    with collector_paused():
        return _import(
            school,
            data,
            source=source,
            actor=actor,
            file_name=file_name,
            dry_run=dry_run,
            allow_mass_removal=allow_mass_removal,
            file_size=file_size,
        )


def _import(
    school: SchoolLocation,
    data: bytes,
    *,
    source: str,
    actor: str,
    file_name: str,
    dry_run: bool,
    allow_mass_removal: bool,
    file_size: int | None,
) -> ImportOutcome:
    run = _Run(
        school, data, source=source, actor=actor, file_name=file_name, allow_mass_removal=allow_mass_removal
    )
    limit = default_max_bytes()
    if file_size is not None and file_size > limit:
        run.sha256, run.size = "", file_size  # not read in full
        message = f"Het bestand is te groot ({_megabytes(file_size)}); de grens is {_megabytes(limit)}."
        return run.record(ImportOutcome(Status.REJECTED, school.code, errors=[Problem(0, message)]))
    result = read_edexml(data)
    outcome = ImportOutcome(Status.REJECTED, school.code, warnings=list(result.warnings))
    if not result.ok or result.document is None:
        outcome.errors = list(result.errors)
        return run.record(outcome)
    doc = result.document
    outcome.errors = check_school(doc.school, school_identity(school))
    if outcome.errors:
        return run.record(outcome)
    try:
        with transaction.atomic():
            locked = lock_school(school)
            plan = make_plan(doc, load_roster(locked, doc), now=run.started_at)
            outcome.plan = plan
            outcome.warnings.extend(plan.warnings)
            held = [] if allow_mass_removal else mass_removals(plan)
            if plan.errors:
                outcome.errors = list(plan.errors)
            elif dry_run:
                outcome.status = Status.DRY_RUN
            elif held:
                outcome.status = Status.HELD
                outcome.errors = [Problem(0, reason) for reason in held]
            else:
                applied = apply_plan(plan, locked, now=run.started_at)
                outcome.status = Status.APPLIED
                run.record(outcome)
                assert outcome.run is not None
                transaction.on_commit(partial(_send_signals, locked, outcome.run, applied))
                return outcome
    except Exception:
        outcome.status = Status.FAILED
        outcome.errors = [Problem(0, "De import is mislukt door een interne fout; er is niets veranderd.")]
        run.record(outcome)
        raise
    return run.record(outcome)
