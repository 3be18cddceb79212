"""The mail queue (outbox): mails are stored with the transaction that wants them sent, and sent by a
background job after it commits, so no request waits on the mail server.

    queue(messages) -> list[int]      store and queue after commit (returns the OutgoingMail ids)
    deliver(ids) -> list[int]         send those still due (one SMTP connection); the ids to retry
    due_ids(limit) -> list[int]       pending mails whose (re)try is due
    backoff(attempts) -> timedelta    30 s, 1, 2, 4 … minutes, at most an hour

A body may hold a one-time link, so it is stored encrypted (Fernet, key derived from SECRET_KEY) and
erased once the mail is sent. A mail that still fails after `MAIL_MAX_ATTEMPTS` tries (about two hours
with the default 8) is marked failed, logged and audited (`mail.failed`): operators see it in the list
of failed mails. Sending is at least once: a worker that dies between the mail server's "OK" and
marking the row sent makes it go out again once its claim (`CLAIM`) has expired.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from klaspoort.accounts.models import OutgoingMail
from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.core.queue import enqueue

logger = logging.getLogger("klaspoort.mail")
CLAIM = dt.timedelta(minutes=5)
Status = OutgoingMail.Status


def _fernet() -> Fernet:
    key = salted_hmac("klaspoort.mail.outbox", "body", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def queue(messages: Iterable[EmailMessage]) -> list[int]:
    """Store `messages` and queue their sending for when the current transaction commits."""
    now = clock.now()
    fernet = _fernet()
    rows = OutgoingMail.objects.bulk_create(
        OutgoingMail(
            created_at=now,
            to=", ".join(message.to),
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            subject=message.subject[:255],
            body_encrypted=fernet.encrypt(message.body.encode()).decode(),
            next_attempt_at=now,
        )
        for message in messages
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(QueueAfterCommit(ids))
    return ids


class AfterCommit:
    """Base of the on-commit hand-offs that end in mail (tests run these when they read mail.outbox)."""


class QueueAfterCommit(AfterCommit):
    """The on-commit callback that hands stored mails to a worker (a class, so tests can find it)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __call__(self) -> None:
        from klaspoort.accounts.tasks import deliver_mails

        try:
            enqueue(deliver_mails, self.ids)
        except Exception:  # the broker is away: the sweep (mail-sweep, every minute) sends them
            logger.warning(
                "mail queue: could not queue mails %s; the sweep sends them", self.ids, exc_info=True
            )


def due_ids(limit: int = 500) -> list[int]:
    now = clock.now()
    return list(
        OutgoingMail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def _claim(ids: list[int]) -> list[OutgoingMail]:
    """Take the rows no other worker is sending right now (one UPDATE and one SELECT)."""
    now = clock.now()
    claim = uuid.uuid4().hex
    OutgoingMail.objects.filter(id__in=ids, status=Status.PENDING).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).update(claim=claim, claimed_until=now + CLAIM)
    return list(OutgoingMail.objects.filter(claim=claim).order_by("id"))


def _message(row: OutgoingMail, fernet: Fernet) -> EmailMessage:
    body = fernet.decrypt(row.body_encrypted.encode()).decode()
    return EmailMessage(subject=row.subject, body=body, from_email=row.from_email, to=row.to.split(", "))


def _failed(row: OutgoingMail, error: str, *, final: bool = False) -> bool:
    """Count a failed try; True when the mail is to be tried again."""
    row.attempts = settings.MAIL_MAX_ATTEMPTS if final else row.attempts + 1
    row.last_error = error[:500]
    row.claim, row.claimed_until = "", None
    if row.attempts >= settings.MAIL_MAX_ATTEMPTS:
        row.status = Status.FAILED
        row.save(update_fields=["attempts", "last_error", "claim", "claimed_until", "status"])
        logger.error("mail %s to %s failed for good after %s tries: %s", row.pk, row.to, row.attempts, error)
        record_event("mail.failed", outcome="failed", subject=f"mail:{row.pk}", attempts=row.attempts)
        return False
    row.next_attempt_at = clock.now() + backoff(row.attempts)
    row.save(update_fields=["attempts", "last_error", "claim", "claimed_until", "next_attempt_at"])
    logger.warning("mail %s to %s failed (try %s), again at %s: %s", row.pk, row.to, row.attempts,
                   row.next_attempt_at, error)  # fmt: skip
    return True


def deliver(ids: list[int]) -> list[int]:
    """Send the pending mails among `ids` over one connection; returns the ids to try again."""
    rows = _claim(ids)
    if not rows:
        return []
    fernet = _fernet()
    retry: list[int] = []
    try:
        connection = get_connection()
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        return [row.pk for row in rows if _failed(row, f"{type(exc).__name__}: {exc}")]
    try:
        for row in rows:
            try:
                connection.send_messages([_message(row, fernet)])
            except InvalidToken:
                _failed(row, "the body cannot be decrypted (SECRET_KEY changed?)", final=True)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                if _failed(row, f"{type(exc).__name__}: {exc}"):
                    retry.append(row.pk)
                continue
            OutgoingMail.objects.filter(pk=row.pk).update(
                status=Status.SENT, sent_at=clock.now(), body_encrypted="", claim="", claimed_until=None
            )
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            logger.warning("mail connection did not close cleanly", exc_info=True)
    return retry
