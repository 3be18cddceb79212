"""Pushed exports: accepted at once (202 and an id to poll), imported by a worker.

    do_accept_push(vendor, link, data) -> (PushedFile, new)   store the file, queue its import
    run_push(push_id) -> str                                   the worker: the one import action
    requeue_stale_pushes(now) -> list[int]                     pushes whose task was lost
    push_state(push) -> dict                                   what the poll endpoint answers

A push is idempotent: the same file again, while the earlier push of it is queued, or when its run
is still the school's newest import, answers with the earlier push (nothing new is stored or run).
The worker runs the import and records the push's outcome in one transaction with the push row
locked, so a task run twice, or again after its worker was killed half-way, imports once: the
second run finds the push done. Only then are the file's bytes dropped (its hash stays). A run that
ends in an internal error changes nothing and is tried again (the tick), at most LAS_MAX_ATTEMPTS
times; then the push is done with the outcome "failed", and a failed run with the reason is recorded
in the school's import history (the one the import made was rolled back with the push), so the
coordinator sees it; the link's state says failed too. The same file pushed again is a new push.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from klaspoort.core import clock
from klaspoort.core.i18n.texts import Text, deferred_plural
from klaspoort.laslink import sync
from klaspoort.laslink.models import LasLink, LasVendor, PushedFile
from klaspoort.roster.importing.actions import record_failed_import
from klaspoort.roster.models import ImportRun

logger = logging.getLogger("klaspoort.laslink")
REQUEUE_AFTER = dt.timedelta(minutes=10)  # a queued push whose task was lost is queued again
INACTIVE = "inactive"
FAILED = "failed"


class PushRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _earlier_push(link: LasLink, sha256: str) -> PushedFile | None:
    newest = PushedFile.objects.filter(link=link).order_by("-received_at", "-id").first()
    if newest is None or newest.sha256 != sha256 or newest.outcome == FAILED:
        return None
    if newest.status == PushedFile.Status.QUEUED:
        return newest
    last_run = ImportRun.objects.filter(school_id=link.school_id).order_by("-started_at", "-id").first()
    return newest if last_run is not None and last_run.pk == newest.run_id else None


def _queue(push_id: int) -> None:
    from klaspoort.core.queue import enqueue
    from klaspoort.laslink.tasks import import_pushed

    try:
        enqueue(import_pushed, push_id)
    except Exception:  # the broker is away: the tick queues it again (requeue_stale_pushes)
        logger.warning("las: could not queue push %s; queued again later", push_id, exc_info=True)


@transaction.atomic
def do_accept_push(vendor: LasVendor, link: LasLink, data: bytes) -> tuple[PushedFile, bool]:
    """Store a pushed export of `link`'s school and queue its import; (push, newly stored)."""
    locked = LasLink.objects.select_for_update().select_related("vendor").get(pk=link.pk)
    if locked.vendor_id != vendor.pk:
        raise PushRefused(403, "this school is not linked to your system")
    if not locked.is_active:
        raise PushRefused(409, "the link is not active: both the LAS and the school must switch it on")
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = _earlier_push(locked, sha256)
    if earlier is not None:
        return earlier, False
    now = clock.now()
    push = PushedFile.objects.create(
        link=locked, sha256=sha256, size=len(data), data=data, received_at=now, queued_at=now
    )
    transaction.on_commit(lambda: _queue(push.pk))
    return push, True


def run_push(push_id: int) -> str:
    """Import a pushed file (the worker's task); its outcome, or "done" when it ran already."""
    try:
        return _run_push(push_id)
    except Exception:
        _count_failure(push_id)
        raise


def failed_reason(vendor: str, attempts: int) -> Text:
    return deferred_plural(
        "Het bestand dat %(vendor)s automatisch stuurde, kon na %(count)d poging niet worden "
        "geïmporteerd door een interne fout bij ons; er is niets veranderd. Het wordt niet opnieuw "
        "geprobeerd: laat %(vendor)s het bestand opnieuw sturen, of upload het zelf.",
        "Het bestand dat %(vendor)s automatisch stuurde, kon na %(count)d pogingen niet worden "
        "geïmporteerd door een interne fout bij ons; er is niets veranderd. Het wordt niet opnieuw "
        "geprobeerd: laat %(vendor)s het bestand opnieuw sturen, of upload het zelf.",
        attempts,
        vendor=vendor,
    )


def _locked_push(push_id: int) -> PushedFile | None:
    """The push with its link, school and vendor, locked for the rest of the transaction."""
    return (
        PushedFile.objects.select_for_update()
        .select_related("link__school", "link__vendor")
        .filter(pk=push_id)
        .first()
    )


def _count_failure(push_id: int) -> None:
    with transaction.atomic():
        push = _locked_push(push_id)
        if push is None or push.status == PushedFile.Status.DONE:
            return
        push.attempts += 1
        if push.attempts >= settings.LAS_MAX_ATTEMPTS:
            _give_up(push)
        push.save(update_fields=["attempts", "status", "outcome", "finished_at", "data", "run"])
    logger.warning("las: push %s failed (attempt %s)", push_id, push.attempts, exc_info=True)


def _give_up(push: PushedFile) -> None:
    """The last try failed: the push is done and failed, with a failed run in the history."""
    link, now = push.link, clock.now()
    reason = failed_reason(link.vendor.name, push.attempts)
    push.run = record_failed_import(
        link.school, source=ImportRun.Source.AUTOMATIC, **sync.run_names(link), sha256=push.sha256,
        size=push.size, reason=reason,
    )  # fmt: skip
    push.status, push.outcome, push.finished_at, push.data = PushedFile.Status.DONE, FAILED, now, b""
    link.last_run_at, link.last_outcome, link.last_error = now, LasLink.Outcome.FAILED, reason.source()[:500]
    link.save(update_fields=["last_run_at", "last_outcome", "last_error"])


def _run_push(push_id: int) -> str:
    with transaction.atomic():
        push = _locked_push(push_id)
        if push is None or push.status == PushedFile.Status.DONE:
            return "done"
        link = push.link
        if link.is_active:
            outcome = sync.import_from_las(link, bytes(push.data))
            push.outcome, push.run = sync.record_outcome(link, outcome), outcome.run
        else:  # a side ended the link (or it was paused) after the push: nothing is imported (B2)
            push.outcome = INACTIVE
        push.status, push.finished_at, push.data = PushedFile.Status.DONE, clock.now(), b""
        push.save(update_fields=["outcome", "run", "status", "finished_at", "data"])
        return push.outcome


def requeue_stale_pushes(now: dt.datetime | None = None, *, limit: int = 500) -> list[int]:
    """Pushes queued more than REQUEUE_AFTER ago and not run (their task was lost): queued again."""
    moment = now or clock.now()
    stale = PushedFile.objects.filter(status=PushedFile.Status.QUEUED, queued_at__lt=moment - REQUEUE_AFTER)
    ids = list(stale.order_by("queued_at").values_list("id", flat=True)[:limit])
    PushedFile.objects.filter(id__in=ids).update(queued_at=moment)
    return ids


def push_state(push: PushedFile) -> dict[str, Any]:
    run = push.run
    return {
        "id": push.pk,
        "school": push.link.school.code,
        "status": push.status,
        "received_at": push.received_at.isoformat(),
        "finished_at": push.finished_at.isoformat() if push.finished_at else None,
        "sha256": push.sha256,
        "outcome": push.outcome or None,
        "run": run.pk if run else None,
        "import_status": run.status if run else None,
        "counts": run.counts if run else {},
        "errors": list(run.errors) if run else [],
    }
