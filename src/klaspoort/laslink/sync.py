"""One sync of one school's link: pull (or a pushed file) → the platform's one import action → record.

    import_from_las(link, data) -> ImportOutcome    the one call into the import (ImportRun.Source.AUTOMATIC)
    run_sync(link_id) -> str                        pull and import; the link's outcome
    queue_due_links(now) -> list[int]               the links whose run is due, marked queued

Every run ends with the link's state written: last run, last success, outcome, reason, next run (the
school's slot next night, or a retry after 1, 2, 4 … minutes for a LAS that errs or is slow, until
`LAS_MAX_ATTEMPTS`; then failed with the reason). A file of another school, garbage or hostile
EDEXML is refused by the import exactly as an upload is (recorded in the history, not retried). A
mass removal is held and the school's coordinators are mailed. Running a sync twice, or again after
a worker died half-way, leaves the roster as one run would: the import is one transaction, and an
unchanged file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q

from klaspoort.accounts.mail import absolute_url, render_mail, send_mails
from klaspoort.accounts.permissions import is_coordinator
from klaspoort.core import clock
from klaspoort.laslink.models import LasLink
from klaspoort.laslink.pull import PullError, fetch_edexml
from klaspoort.laslink.schedule import night_slot
from klaspoort.roster.importing.actions import ImportOutcome, do_import_roster
from klaspoort.roster.models import ImportRun, StaffPlacement

logger = logging.getLogger("klaspoort.laslink")
Outcome = LasLink.Outcome
REQUEUE_AFTER = dt.timedelta(minutes=30)  # a queued run whose task was lost is queued again


def import_from_las(link: LasLink, data: bytes) -> ImportOutcome:
    """The one place the LAS link calls the import action (pull and push alike). The file of the
    school's last import, once more (most schools, most nights), is recorded without being planned
    (`roster.importing.unchanged`)."""
    return do_import_roster(
        link.school, data, source=ImportRun.Source.AUTOMATIC, **run_names(link), file_format="edexml",
        skip_unchanged=True,
    )  # fmt: skip


def run_names(link: LasLink) -> dict[str, str]:
    """Who and which file, as a run through the link is recorded."""
    return {"actor": f"las:{link.vendor.slug}", "file_name": f"{link.vendor.slug}:{link.school.code}"}


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _mail_coordinators(link: LasLink, outcome: ImportOutcome) -> int:
    placements = StaffPlacement.objects.active_at(link.school).select_related("staff")
    history = absolute_url("/schoolbeheer/leerlinggegevens/")
    context = {"school": link.school.name, "vendor": link.vendor.name, "reasons": outcome.guard}
    mails = [
        render_mail(placement.staff.email, "laslink/mail/held", {**context, "history": history})
        for placement in placements
        if is_coordinator(placement) and placement.staff.email
    ]
    return send_mails(mails)


def record_outcome(link: LasLink, outcome: ImportOutcome) -> str:
    """Write the link's state after an import through it (pull or push); returns the link outcome."""
    now = clock.now()
    status = outcome.status
    if status in {ImportRun.Status.APPLIED, ImportRun.Status.STAGED}:
        result, reason = Outcome.OK, ""
        link.last_success_at = now
    elif status == ImportRun.Status.HELD:
        result, reason = Outcome.HELD, " ".join(str(reason) for reason in outcome.guard)[:500]
        _mail_coordinators(link, outcome)
    else:
        result = Outcome.REFUSED
        reason = " ".join(problem.message for problem in outcome.errors[:3])[:500]
    link.last_run_at, link.last_outcome, link.last_error, link.attempts = now, result, reason, 0
    link.next_run_at, link.queued_at = night_slot(link.school.code, now), None
    link.save(update_fields=["last_run_at", "last_success_at", "last_outcome", "last_error", "attempts",
                             "next_run_at", "queued_at"])  # fmt: skip
    logger.info("las sync school=%s vendor=%s outcome=%s run=%s", link.school.code, link.vendor.slug,
                result, outcome.run.pk if outcome.run else None)  # fmt: skip
    return result


def _pull_failed(link: LasLink, error: PullError) -> str:
    now = clock.now()
    link.attempts += 1
    link.last_run_at, link.last_error, link.queued_at = now, error.reason[:500], None
    if error.transient and link.attempts < settings.LAS_MAX_ATTEMPTS:
        link.last_outcome, link.next_run_at = Outcome.RETRYING, now + retry_delay(link.attempts)
    else:
        link.last_outcome, link.next_run_at = Outcome.FAILED, night_slot(link.school.code, now)
        link.attempts = 0
    link.save(
        update_fields=["attempts", "last_run_at", "last_error", "queued_at", "last_outcome", "next_run_at"]
    )
    logger.warning("las pull school=%s vendor=%s %s: %s", link.school.code, link.vendor.slug,
                   link.last_outcome, error.reason)  # fmt: skip
    return str(link.last_outcome)


def run_sync(link_id: int, *, link: LasLink | None = None) -> str:
    """`link`: the row of `link_id` with its school and vendor, when the caller has just read it."""
    if link is None or link.pk != link_id:
        link = LasLink.objects.select_related("school", "vendor").filter(pk=link_id).first()
    if link is None or not link.is_active:
        return "inactive"
    try:
        data = fetch_edexml(link)
    except PullError as error:
        return _pull_failed(link, error)
    return record_outcome(link, import_from_las(link, data))


def queue_due_links(now: dt.datetime | None = None, *, limit: int = 2000) -> list[int]:
    """Mark the active links whose run is due as queued and return them (the caller queues a task
    per link). A link queued more than `REQUEUE_AFTER` ago without a run is due again."""
    moment = now or clock.now()
    due = (
        LasLink.objects.active()
        .filter(next_run_at__lte=moment)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=moment - REQUEUE_AFTER))
        .order_by("next_run_at")
        .values_list("id", flat=True)[:limit]
    )
    ids = list(due)
    LasLink.objects.filter(id__in=ids).update(queued_at=moment)
    return ids
