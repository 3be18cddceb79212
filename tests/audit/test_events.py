from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, transaction

from klaspoort.audit.events import record_event
from klaspoort.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_record_event_stores_everything() -> None:
    school = uuid.uuid4()
    event = record_event(
        "login.failed",
        outcome="denied",
        actor="a" * 200,
        subject="account:x",
        school_ref=school,
        client_ip="192.0.2.1",
        reason="x",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.outcome, stored.subject, stored.school_ref, stored.client_ip) == (
        "login.failed",
        "denied",
        "account:x",
        school,
        "192.0.2.1",
    )
    assert stored.actor == "a" * 128
    assert stored.data == {"reason": "x"}


def test_events_cannot_be_changed_by_save_nor_by_update() -> None:
    event = record_event("login.succeeded")
    event.outcome = "changed"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(outcome="changed")
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


def test_events_cannot_be_deleted() -> None:
    event = record_event("login.succeeded")
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_newest_first() -> None:
    first = record_event("a")
    second = record_event("b")
    assert list(AuditEvent.objects.all()[:2]) == [second, first]
