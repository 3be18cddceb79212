"""`do_import_roster`: read → check → lock → plan → guard → apply → record, for one school.

The one import action of the platform: the command line (`import-edexml`), the school console's
upload page and the automatic LAS link all call it. Entry point::

    outcome = do_import_roster(
        school, data,                 # the file's bytes (cut off at the size limit + 1 is fine)
        source=ImportRun.Source.UPLOAD,  # upload | csv | cli | automatic | school-year
        actor="account:<uuid>",       # who; "cli:<user>", "system:<job>"
        file_format="edexml",         # or "csv" (roster.csvimport: the same records, checks and plan)
        file_name="EDEX.XML", file_size=None,   # the real size when `data` was cut off
        dry_run=False, allow_mass_removal=False,
    )
    outcome.run      # the ImportRun: who, when, source, file hash, counts, outcome, duration, report
    outcome.plan     # the Plan (None when the file was refused before planning)

Statuses: "applied"; "staged" (a file for the next school year: only that year's groups and
memberships are written, see `apply.apply_plan`; the rest is applied on its start day by
`do_switch_school_years`); "dry-run" (planned, nothing written); "rejected" (bad file, another
school, a school year that is over or too far ahead: nothing written); "held" (the mass-removal
guard: nothing written); "failed" (an internal error: nothing written, the error is raised again).
Every run is recorded as an ImportRun and an audit event "roster.import". Signals
(`roster.signals`) go out only after commit. The uploaded bytes are never stored: only their
SHA-256 (a staged year keeps its import records, written out by our own EDEXML writer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.core.gcpause import collector_paused
from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster import signals
from klaspoort.roster.edexml.document import EdexDocument, Problem
from klaspoort.roster.edexml.reader import default_max_bytes, read_edexml, too_big
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing import unchanged
from klaspoort.roster.importing.apply import Applied, apply_plan
from klaspoort.roster.importing.guard import mass_removals
from klaspoort.roster.importing.load import load_roster, school_identity
from klaspoort.roster.importing.locking import SchoolBusy, SchoolClosed, lock_school
from klaspoort.roster.importing.plan import Plan, check_school, make_plan
from klaspoort.roster.models import ImportRun, SchoolYear, StagedYear
from klaspoort.roster.schoolyears import starts_on, year_in_force

Status = ImportRun.Status


@dataclass
class ImportOutcome:
    status: str
    school_code: str
    run: ImportRun | None = None
    plan: Plan | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    effective_on: dt.date | None = None  # a plan for a later school year: the day it takes effect
    guard: list[Text] = field(default_factory=list)  # why the mass-removal guard holds the plan
    document: EdexDocument | None = None  # the file's records (when it could be read)

    @property
    def ok(self) -> bool:
        return self.status in {Status.APPLIED, Status.STAGED, Status.DRY_RUN}


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
        from klaspoort.roster.importing.report import as_stored

        plan = outcome.plan
        year = SchoolYear.objects.filter(start_year=plan.start_year).first() if plan else None
        counts = plan.counts() if plan else Plan(outcome.school_code, 0).counts()
        report = as_stored(outcome)
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
            skipped_staff=[skip.stored() for skip in plan.skipped_staff] if plan else [],
            warnings=[problem.stored() for problem in outcome.warnings],
            errors=[problem.stored() for problem in outcome.errors],
            started_at=self.started_at,
            duration_ms=round((time.perf_counter() - self._clock) * 1000),
            effective_on=outcome.effective_on,
            report=report,
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


@dataclass(frozen=True)
class ImportOptions:
    """How to import (see `do_import_roster`)."""

    source: str
    actor: str = ""
    file_format: str = "edexml"  # "edexml" | "csv"
    file_name: str = ""
    dry_run: bool = False
    allow_mass_removal: bool = False
    file_size: int | None = None  # the real size when `data` was cut off at the size limit
    wait: bool = True  # False: refuse at once ("busy") while another import of the school runs
    upload_sha256: str = ""  # the uploaded file's hash when `data` are its records written out again
    skip_unchanged: bool = False  # the file imported last, again: recorded without reading (`unchanged`)


def do_import_roster(school: SchoolLocation, data: bytes, *, source: str, **options: Any) -> ImportOutcome:
    """Import the roster file `data` into `school` with `ImportOptions(source, **options)`; see the
    module docstring. The garbage collector is paused meanwhile, so that time stays linear in the
    roster's size. Permission is the caller's: `schooladmin.roster_actions` checks that the actor
    coordinates `school`; the command line and jobs are trusted."""
    with collector_paused():
        return _import(school, data, ImportOptions(source=source, **options))


def do_import_edexml(school: SchoolLocation, data: bytes, *, source: str, **options: Any) -> ImportOutcome:
    """`do_import_roster` for an EDEXML file."""
    return do_import_roster(school, data, source=source, file_format="edexml", **options)


def record_failed_import(
    school: SchoolLocation, *, source: str, actor: str, file_name: str, sha256: str, size: int, reason: Text
) -> ImportRun:
    """Record an import that failed where its own record was rolled back with it (a pushed file's
    worker, which imports and records the push in one transaction): status "failed", nothing changed,
    `reason` for the coordinator, and the audit event, as every run has."""
    run = _Run(school, b"", source=source, actor=actor, file_name=file_name, allow_mass_removal=False)
    run.sha256, run.size = sha256, size
    outcome = run.record(ImportOutcome(Status.FAILED, school.code, errors=[Problem(0, reason)]))
    assert outcome.run is not None
    return outcome.run


CLOSED_MESSAGE = deferred(
    "Deze school is gesloten, samengevoegd of gesplitst; er is niets geïmporteerd. Importeer voor de "
    "nieuwe locatie."
)
BUSY_MESSAGE = deferred(
    "Er wordt op dit moment al een import voor deze school verwerkt. Wacht tot die klaar is (meestal "
    "minder dan een minuut) en probeer het dan opnieuw."
)


def _read(data: bytes, file_format: str) -> Any:
    if file_format == "csv":
        from klaspoort.roster.csvimport import read_csv

        return read_csv(data)
    return read_edexml(data)


def _stage(school: SchoolLocation, run: ImportRun, doc: Any, allow_mass_removal: bool) -> None:
    """Keep the records of a staged year (replacing an earlier staged file for that year)."""
    year = SchoolYear.objects.get(start_year=doc.school.start_year)
    StagedYear.objects.update_or_create(
        school=school,
        school_year=year,
        defaults={
            "records": write_edexml(doc),
            "run": run,
            "mass_removal_allowed": allow_mass_removal,
            "staged_at": run.started_at,
            "applied_at": None,
            "applied_run": None,
        },
    )


def _import_again(
    school: SchoolLocation, run: _Run, options: ImportOptions, in_force: int
) -> ImportOutcome | None:
    """The run of a file that the school imported last (`unchanged`), or None: plan it."""
    if unchanged.last_same_import(school, run.sha256, in_force) is None:
        return None
    try:
        with transaction.atomic():
            locked = lock_school(school, wait=options.wait)
            last = unchanged.last_same_import(locked, run.sha256, in_force)
            if last is None:
                return None
            plan = unchanged.plan_as_before(last, locked.code)
            status = Status.STAGED if plan.staged else Status.APPLIED
            outcome = ImportOutcome(
                status, locked.code, plan=plan, warnings=unchanged.warnings_as_before(last)
            )
            outcome.effective_on = last.effective_on
            return run.record(outcome)
    except SchoolBusy:
        return None


def _import(school: SchoolLocation, data: bytes, options: ImportOptions) -> ImportOutcome:
    run = _Run(
        school,
        data,
        source=options.source,
        actor=options.actor,
        file_name=options.file_name,
        allow_mass_removal=options.allow_mass_removal,
    )
    if options.upload_sha256:
        run.sha256 = options.upload_sha256
    file_size, allow_mass_removal = options.file_size, options.allow_mass_removal
    limit = default_max_bytes()
    if file_size is not None and file_size > limit:
        run.sha256, run.size = "", file_size  # not read in full
        return run.record(
            ImportOutcome(Status.REJECTED, school.code, errors=[Problem(0, too_big(file_size, limit))])
        )
    in_force: int | None = None
    if options.skip_unchanged and not options.dry_run:
        in_force = year_in_force(school, timezone.localdate(run.started_at))
        again = _import_again(school, run, options, in_force)
        if again is not None:
            return again
    result = _read(data, options.file_format)
    outcome = ImportOutcome(Status.REJECTED, school.code, warnings=list(result.warnings))
    if not result.ok or result.document is None:
        outcome.errors = list(result.errors)
        return run.record(outcome)
    doc = outcome.document = result.document
    outcome.errors = check_school(doc.school, school_identity(school))
    if outcome.errors:
        return run.record(outcome)
    if in_force is None:
        in_force = year_in_force(school, timezone.localdate(run.started_at))
    if doc.school.start_year > in_force:
        outcome.effective_on = starts_on(school, doc.school.start_year)
    try:
        with transaction.atomic():
            locked = lock_school(school, wait=options.wait)
            if not locked.active and locked.closed_at is not None:
                raise SchoolClosed(locked.code)
            plan = make_plan(doc, load_roster(locked, doc, in_force=in_force), now=run.started_at)
            outcome.plan = plan
            outcome.warnings.extend(plan.warnings)
            held = [] if allow_mass_removal else mass_removals(plan)
            outcome.guard = held
            if plan.errors:
                outcome.errors = list(plan.errors)
            elif options.dry_run:
                outcome.status = Status.DRY_RUN
            elif held:
                outcome.status = Status.HELD
                outcome.errors = [Problem(0, reason) for reason in held]
            else:
                applied = apply_plan(plan, locked, now=run.started_at)
                outcome.status = Status.STAGED if plan.staged else Status.APPLIED
                run.record(outcome)
                assert outcome.run is not None
                if plan.staged:
                    _stage(locked, outcome.run, doc, allow_mass_removal)
                else:  # a staged file for this year is done with (applied now, or superseded)
                    StagedYear.objects.filter(
                        school=locked, school_year__start_year=plan.start_year, applied_at__isnull=True
                    ).update(applied_at=run.started_at, applied_run=outcome.run)
                    transaction.on_commit(partial(_send_signals, locked, outcome.run, applied))
                return outcome
    except SchoolBusy:
        outcome.errors = [Problem(0, BUSY_MESSAGE)]
        return run.record(outcome)
    except SchoolClosed:
        outcome.errors = [Problem(0, CLOSED_MESSAGE)]
        return run.record(outcome)
    except Exception:
        outcome.status = Status.FAILED
        outcome.errors = [
            Problem(0, deferred("De import is mislukt door een interne fout; er is niets veranderd."))
        ]
        run.record(outcome)
        raise
    return run.record(outcome)
