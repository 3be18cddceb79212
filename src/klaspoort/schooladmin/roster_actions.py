"""The coordinator's roster actions (the "Leerlinggegevens" pages): preview an upload, apply it,
set the start day of a school year. Each checks its own permission: only an ICT coordinator of the
school, whatever the view did. The import itself is `roster.importing.actions.do_import_roster`,
the one action the command line and the automatic link use too.

Uploads: the bytes are read once, hashed and parsed; what is kept until the confirmation is the
file's import records (`PreparedImport`, at most an hour), never the uploaded file: the history
needs only its hash to tell files apart, and the records are what the roster holds anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.audit.events import record_event
from klaspoort.classroom.access import StaffAccess
from klaspoort.core import clock
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.actions import ImportOutcome, do_import_roster
from klaspoort.roster.models import ImportRun, PreparedImport, SchoolYear, SchoolYearStart
from klaspoort.roster.schoolyears import allowed_range, forget_start_dates, starts_on

PREPARED_TTL = dt.timedelta(hours=1)
Status = ImportRun.Status


class RosterActionError(Exception):
    """A refused request, with the (Dutch source) message to show."""


def _check(access: StaffAccess) -> None:
    if not is_coordinator(access.placement):
        raise PermissionDenied(_("Alleen de ICT-coördinator kan leerlinggegevens inlezen."))


def source_for(file_format: str) -> str:
    return ImportRun.Source.CSV if file_format == "csv" else ImportRun.Source.UPLOAD


def do_preview_upload(
    access: StaffAccess, data: bytes, *, file_name: str, file_format: str, file_size: int | None = None
) -> tuple[ImportOutcome, PreparedImport | None]:
    """Plan the uploaded file without changing anything; keep its records for the confirmation
    when it can be applied. A refused file is recorded in the history as refused."""
    _check(access)
    school = access.placement.school
    PreparedImport.objects.filter(school=school, created_at__lt=clock.now() - PREPARED_TTL).delete()
    outcome = do_import_roster(
        school,
        data,
        source=source_for(file_format),
        actor=access.actor,
        file_format=file_format,
        file_name=file_name,
        file_size=file_size,
        dry_run=True,
        wait=False,
    )
    if outcome.status != Status.DRY_RUN or outcome.document is None or outcome.run is None:
        return outcome, None
    prepared = PreparedImport.objects.create(
        school=school,
        run=outcome.run,
        records=write_edexml(outcome.document),
        source=outcome.run.source,
        file_name=file_name[:255],
        upload_sha256=hashlib.sha256(data).hexdigest(),
        actor=access.actor[:128],
        created_at=clock.now(),
    )
    return outcome, prepared


def prepared_for(access: StaffAccess, prepared_id: int) -> PreparedImport:
    _check(access)
    prepared = (
        PreparedImport.objects.filter(pk=prepared_id, created_at__gte=clock.now() - PREPARED_TTL)
        .select_related("run")
        .first()
    )
    if prepared is not None and prepared.school_id != access.placement.school_id:
        raise PermissionDenied(_("Dit voorbeeld hoort bij een andere school."))
    if prepared is None:
        raise RosterActionError(_("Dit voorbeeld is verlopen of al gebruikt. Lees het bestand opnieuw in."))
    return prepared


def do_apply_prepared(
    access: StaffAccess, prepared_id: int, *, confirmed: bool, removal_confirmed: str = ""
) -> ImportOutcome:
    """Apply a previewed upload. `confirmed`: the coordinator ticked the confirmation; a plan the
    mass-removal guard holds also needs `removal_confirmed` equal to the number it removes."""
    prepared = prepared_for(access, prepared_id)
    if not confirmed:
        raise RosterActionError(_("Vink aan dat je de wijzigingen wilt doorvoeren."))
    report = prepared.run.report
    allow = False
    if report.get("guard"):
        if removal_confirmed.strip() != str(report.get("removed")):
            raise RosterActionError(
                _(
                    "Deze import verwijdert veel leerlingen of medewerkers. Bevestig dat apart door het "
                    "aantal dat verwijderd wordt in te vullen."
                )
            )
        allow = True
    outcome = do_import_roster(
        access.placement.school,
        bytes(prepared.records),
        source=prepared.source,
        actor=access.actor,
        file_name=prepared.file_name,
        allow_mass_removal=allow,
        upload_sha256=prepared.upload_sha256,
        wait=False,
    )
    if outcome.status in {Status.APPLIED, Status.STAGED, Status.REJECTED, Status.HELD}:
        PreparedImport.objects.filter(pk=prepared.pk).delete()
    return outcome


def do_set_school_year_start(access: StaffAccess, start_year: int, day: dt.date) -> SchoolYearStart:
    """Set the day school year `start_year` starts at the coordinator's school (rule B7): in July,
    August or September of that year, not in the past, and not once the year has started."""
    _check(access)
    school = access.placement.school
    today = clock.today()
    earliest, latest = allowed_range(start_year)
    if starts_on(school, start_year) <= today:
        raise RosterActionError(_("Dit schooljaar is al begonnen; de begindatum kan niet meer veranderen."))
    if not earliest <= day <= latest:
        raise RosterActionError(
            _("Kies een dag tussen %(earliest)s en %(latest)s.")
            % {"earliest": date_format(earliest), "latest": date_format(latest)}
        )
    if day <= today:
        raise RosterActionError(
            _("Kies een dag na vandaag: een schooljaar kan niet in het verleden beginnen.")
        )
    with transaction.atomic():
        year = SchoolYear.objects.get_or_create(start_year=start_year)[0]
        row = SchoolYearStart.objects.update_or_create(
            school=school, school_year=year, defaults={"starts_on": day}
        )[0]
        record_event(
            "roster.school_year_start",
            actor=access.actor,
            subject=f"school:{school.code}",
            school_ref=school.instelling_ref,
            school_year=year.label,
            starts_on=day.isoformat(),
        )
        transaction.on_commit(forget_start_dates)
    return row
