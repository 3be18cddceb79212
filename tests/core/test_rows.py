"""Hand-written SELECTs and prepared INSERTs behave as the ORM does, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from klaspoort.accounts.models import Account, AccountSession
from klaspoort.audit.models import AuditEvent
from klaspoort.core.rows import InsertStatement, ModelColumns, fetch_rows
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor.models import TotpDevice
from tests.roster import factories

pytestmark = pytest.mark.django_db

PLACEMENTS = ModelColumns(StaffPlacement, "p")
DEVICES = ModelColumns(TotpDevice, "t")
ACCOUNTS = ModelColumns(Account, "a")


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    return fetch_rows(connection, sql, params)


def _field_values(instance: object, columns: ModelColumns) -> dict[str, object]:
    return {name: getattr(instance, name) for name in columns.attnames}


def test_every_column_comes_back_as_the_orm_converts_it() -> None:
    """Booleans, UUIDs, JSON lists and aware datetimes: the types and values the ORM gives."""
    placement = factories.staff(factories.school(), "anna@school.example", roles=["teacher", "ib"])
    StaffPlacement.objects.filter(pk=placement.pk).update(
        active=False, deactivated_at=dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    )
    sql = f"SELECT {PLACEMENTS.select(connection)} FROM {PLACEMENTS.table(connection)} WHERE {PLACEMENTS.column(connection, 'id')} = %s"

    built = PLACEMENTS.build(_rows(sql, [placement.pk])[0], 0, connection)

    expected = StaffPlacement.objects.get(pk=placement.pk)
    assert _field_values(built, PLACEMENTS) == _field_values(expected, PLACEMENTS)
    assert built.active is False
    assert built.roles == ["teacher", "ib"]
    assert built.deactivated_at == dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    assert built._state.adding is False
    assert built._state.db == "default"


def test_a_uuid_column_is_a_uuid() -> None:
    account = Account.objects.create_user("piet@school.example", "geheim123", kind="staff")
    sql = f"SELECT {ACCOUNTS.select(connection)} FROM {ACCOUNTS.table(connection)} WHERE {ACCOUNTS.column(connection, 'email')} = %s"

    built = ACCOUNTS.build(_rows(sql, ["piet@school.example"])[0], 0, connection)

    assert isinstance(built.uuid, uuid.UUID)
    assert built.uuid == account.uuid
    assert built.is_active == account.is_active


def test_an_outer_join_that_found_nothing_builds_none_and_one_that_found_a_row_builds_it() -> None:
    without = Account.objects.create_user("zonder@school.example", "geheim123", kind="staff")
    with_device = Account.objects.create_user("met@school.example", "geheim123", kind="staff")
    device = TotpDevice.objects.create(account=with_device, secret="sealed", last_step=7)
    sql = (
        f"SELECT {ACCOUNTS.select(connection)}, {DEVICES.select(connection)} FROM {ACCOUNTS.table(connection)}"
        f" LEFT OUTER JOIN {DEVICES.table(connection)}"
        f" ON {DEVICES.column(connection, 'account')} = {ACCOUNTS.column(connection, 'id')}"
        f" WHERE {ACCOUNTS.column(connection, 'id')} = %s"
    )

    alone = _rows(sql, [without.pk])[0]
    paired = _rows(sql, [with_device.pk])[0]

    assert DEVICES.build_optional(alone, ACCOUNTS.width, connection) is None
    built = DEVICES.build_optional(paired, ACCOUNTS.width, connection)
    assert built is not None
    assert (built.pk, built.account_id, built.last_step, built.confirmed) == (
        device.pk,
        with_device.pk,
        7,
        False,
    )


def test_a_name_that_is_not_a_column_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Account\.totp_device is not a column"):
        ACCOUNTS.column(connection, "totp_device")


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


def test_a_subset_of_columns_builds_an_instance_with_the_rest_deferred() -> None:
    account = Account.objects.create_user("piet@school.example", "geheim123", kind="staff")
    some = ModelColumns(Account, "a", ("email", "kind"))
    sql = f"SELECT {some.select(connection)} FROM {some.table(connection)} WHERE {some.column(connection, 'pk')} = %s"

    built = some.build(_rows(sql, [account.pk])[0], 0, connection)

    assert some.attnames == ["id", "kind", "email"]  # in the model's order, with the primary key
    assert (built.pk, built.email, built.kind) == (account.pk, "piet@school.example", "staff")
    assert "uuid" in built.get_deferred_fields()
    assert "email" not in built.get_deferred_fields()
