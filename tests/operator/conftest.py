"""Operator fixtures: an operator account with two-factor, a client signed in to the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from klaspoort.accounts.login import BACKEND
from klaspoort.accounts.models import Account
from klaspoort.operator.permissions import SESSION_SIGNED_IN
from tests.accounts.conftest import (  # noqa: F401
    PASSWORD,
    MakeStaff,
    empty_cache,
    fast_hasher,
    make_staff,
    other_school,
    school,
    teacher,
)
from tests.twofactor.conftest import code_at, enrol, step_start  # noqa: F401

OPERATOR_EMAIL = "helpdesk@klaspoort.example"


def make_operator(email: str = OPERATOR_EMAIL, *, two_factor: bool = True) -> Account:
    account = Account.objects.create_superuser(email, PASSWORD)
    if two_factor:
        enrol(account)
    return Account.objects.select_related("totp_device").get(pk=account.pk)


@pytest.fixture
def operator(db: None, fast_hasher: None) -> Account:  # noqa: F811
    return make_operator()


def sign_in(client: Client, account: Account) -> Client:
    """A console session as the sign-in pages leave it (both factors given)."""
    client.force_login(account, backend=BACKEND)
    session = client.session
    session[SESSION_SIGNED_IN] = str(account.uuid)
    session.save()
    return client


@pytest.fixture
def console(operator: Account) -> Client:
    return sign_in(Client(), operator)


def actor(account: Account) -> str:
    return f"account:{account.uuid}"


def audit_actions(**filters: Any) -> list[str]:
    from klaspoort.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True))
