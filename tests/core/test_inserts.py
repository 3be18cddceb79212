"""Prepared one-row INSERTs store what the ORM would, and refuse models whose save they would skip."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from klaspoort.accounts.models import AccountSession
from klaspoort.audit.models import AuditEvent
from klaspoort.core.inserts import InsertStatement, UnsafeInsert
from klaspoort.registry.models import Board

pytestmark = pytest.mark.django_db

AUDIT_INSERT = InsertStatement(AuditEvent)
SESSION_INSERT = InsertStatement(AccountSession)


def test_an_insert_stores_what_the_orm_would_and_sets_the_new_key() -> None:
    school = uuid.uuid4()
    event = AuditEvent(
        action="login.failed", outcome="denied", school_ref=school, client_ip="192.0.2.1", data={"n": [1, 2]}
    )
    before = timezone.now()

    AUDIT_INSERT.insert(event)

    stored = AuditEvent.objects.get()
    assert event.pk == stored.pk
    assert event._state.adding is False
    assert (stored.action, stored.outcome, stored.school_ref, stored.client_ip, stored.data) == (
        "login.failed",
        "denied",
        school,
        "192.0.2.1",
        {"n": [1, 2]},
    )
    assert before <= stored.created_at <= timezone.now()  # auto_now_add, as save() would set it
    assert stored.created_at == event.created_at


def test_consecutive_inserts_get_their_own_keys() -> None:
    first = AUDIT_INSERT.insert(AuditEvent(action="a"))
    second = AUDIT_INSERT.insert(AuditEvent(action="b"))
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", "action")) == [
        (first.pk, "a"),
        (second.pk, "b"),
    ]


def test_a_given_key_is_stored_and_a_taken_key_is_refused_without_a_change() -> None:
    expires = timezone.now() + dt.timedelta(hours=1)
    SESSION_INSERT.insert(AccountSession(session_key="k" * 32, session_data="eerste", expire_date=expires))

    with pytest.raises(IntegrityError), transaction.atomic():
        SESSION_INSERT.insert(
            AccountSession(session_key="k" * 32, session_data="tweede", expire_date=expires)
        )

    assert list(AccountSession.objects.values_list("session_key", "session_data", "expire_date")) == [
        ("k" * 32, "eerste", expires)
    ]


class _OwnSave(models.Model):
    name = models.CharField(max_length=10)

    class Meta:
        app_label = "registry"
        managed = False

    def save(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("never called by a prepared INSERT")


def test_a_model_with_its_own_save_is_refused_when_the_statement_is_made() -> None:
    with pytest.raises(UnsafeInsert, match=r"_OwnSave has its own save\(\)"):
        InsertStatement(_OwnSave)


@pytest.mark.parametrize("signal", [pre_save, post_save])
def test_a_model_with_save_receivers_is_refused_when_made_and_before_writing(signal: object) -> None:
    statement = InsertStatement(Board)

    def receiver(**kwargs: object) -> None:
        raise AssertionError("never called by a prepared INSERT")

    signal.connect(receiver, sender=Board, weak=False)  # type: ignore[attr-defined]
    try:
        with pytest.raises(UnsafeInsert, match=r"Board has p(re|ost)_save receivers"):
            InsertStatement(Board)
        with pytest.raises(UnsafeInsert, match="receivers"):
            statement.insert(Board(number="12345", name="Stichting Noord"))
    finally:
        signal.disconnect(receiver, sender=Board)  # type: ignore[attr-defined]
    assert not Board.objects.exists()
    statement.insert(Board(number="12345", name="Stichting Noord"))
    assert list(Board.objects.values_list("name", flat=True)) == ["Stichting Noord"]
