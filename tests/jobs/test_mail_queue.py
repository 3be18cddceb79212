"""The mail queue on a real worker process and a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from klaspoort.accounts.models import Account, OutgoingMail
from klaspoort.audit.models import AuditEvent
from klaspoort.celery import app
from klaspoort.core import clock
from tests.accounts.test_mail import _free_port
from tests.jobs.conftest import WorkerProcess

EMAIL = "juf.anna@school.example"
OTHER = "meester.bob@school.example"  # the reset throttle (15 minutes per address) lives on


class HeldServer:
    """Accepts mail, but each DATA waits until the test releases it (or answers 451 when told)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.in_data = threading.Event()
        self.refuse = False
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.in_data.set()
        if self.refuse:
            return "451 4.3.0 try again later"
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[HeldServer, int]]:
    handler = HeldServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    handler.release.set()
    controller.stop()


@pytest.fixture
def mail_worker(
    smtp: tuple[HeldServer, int], start_worker: Callable[..., WorkerProcess], transactional_db: None
) -> Iterator[WorkerProcess]:
    """A worker of its own (own queue) that sends through the held SMTP server."""
    _, port = smtp
    queue = f"kptest-mail-{port}"
    worker = start_worker(
        queue=queue, KLASPOORT_EMAIL_HOST="127.0.0.1", KLASPOORT_EMAIL_PORT=str(port),
        KLASPOORT_EMAIL_TLS="0", KLASPOORT_MAIL_MAX_ATTEMPTS="2",
    )  # fmt: skip
    saved = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield worker
    app.conf.task_default_queue = saved


def _wait(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def test_a_password_reset_request_does_not_wait_for_a_slow_mail_server(
    smtp: tuple[HeldServer, int], mail_worker: WorkerProcess, client: Client
) -> None:
    server, _ = smtp
    Account.objects.create_user(EMAIL, "Correct-paard-42", is_active=True)
    response = client.post("/password/forgot/", {"email": EMAIL})
    assert response.status_code == 200
    # The answer is back while the worker is still inside the SMTP conversation.
    _wait(server.in_data.is_set, "the worker to reach the mail server")
    assert server.envelopes == []
    row = OutgoingMail.objects.get()
    assert (row.to, row.status) == (EMAIL, OutgoingMail.Status.PENDING)
    server.release.set()
    _wait(lambda: OutgoingMail.objects.get().status == OutgoingMail.Status.SENT, "the mail to be sent")
    assert [envelope.rcpt_tos for envelope in server.envelopes] == [[EMAIL]]
    assert b"/password/reset/" in server.envelopes[0].content
    assert OutgoingMail.objects.get().body_encrypted == ""


def test_an_unknown_address_queues_nothing(
    smtp: tuple[HeldServer, int], mail_worker: WorkerProcess, client: Client
) -> None:
    response = client.post("/password/forgot/", {"email": "niemand@school.example"})
    assert response.status_code == 200
    assert OutgoingMail.objects.count() == 0


def test_a_mail_that_keeps_failing_is_retried_then_marked_failed_for_operators(
    smtp: tuple[HeldServer, int], mail_worker: WorkerProcess, client: Client
) -> None:
    from klaspoort.accounts.tasks import deliver_due_mails

    server, _ = smtp
    server.refuse = True
    Account.objects.create_user(OTHER, "Correct-paard-42", is_active=True)
    client.post("/password/forgot/", {"email": OTHER})
    _wait(
        lambda: OutgoingMail.objects.filter(attempts=1).exists(),
        "the first try (the worker looks up the account)",
    )
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMail.Status.PENDING
    assert row.last_error.startswith("SMTPDataError")
    assert dt.timedelta(seconds=25) < row.next_attempt_at - clock.now() <= dt.timedelta(seconds=30)
    assert deliver_due_mails.delay().get(timeout=60) == 0  # not due yet: nothing tried
    assert OutgoingMail.objects.get().attempts == 1
    OutgoingMail.objects.update(next_attempt_at=clock.now())
    assert deliver_due_mails.delay().get(timeout=60) == 1
    failed = list(OutgoingMail.objects.failed())
    assert [(m.to, m.attempts) for m in failed] == [(OTHER, 2)]
    assert AuditEvent.objects.filter(action="mail.failed", subject=f"mail:{failed[0].pk}").count() == 1
    assert server.envelopes == []
