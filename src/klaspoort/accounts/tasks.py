"""Celery tasks of the mail queue (`accounts.outbox`). A mail that fails is tried again by the sweep
once its backoff has passed (`OutgoingMail.next_attempt_at`), also where tasks run eagerly."""

from __future__ import annotations

from celery import shared_task

from klaspoort.accounts import outbox


@shared_task
def deliver_mails(ids: list[int]) -> list[int]:
    """Send queued mails (queued after commit); returns the ids that will be tried again."""
    return outbox.deliver(ids)


@shared_task
def deliver_due_mails() -> int:
    """The sweep (every minute): mails whose retry is due or whose queuing was lost (the broker was
    away at commit). Returns how many it tried."""
    ids = outbox.due_ids()
    if ids:
        outbox.deliver(ids)
    return len(ids)


@shared_task
def request_password_reset(job: str, address: str, client_ip: str | None) -> bool:
    """A forgotten-password request handed over by the forgot page (after its rate gate): look the
    account up and queue its mail, outside the request. Returns whether a mail was queued."""
    if job == "parent":
        from klaspoort.accounts.home.actions import do_request_home_password_reset

        return do_request_home_password_reset(address, client_ip=client_ip, gated=True)
    from klaspoort.accounts.actions import do_request_password_reset

    return do_request_password_reset(address, client_ip=client_ip, gated=True)
