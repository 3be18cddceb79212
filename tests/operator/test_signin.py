"""Operators sign in with password and a second factor; without a device they set one up first."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.twofactor import crypto
from klaspoort.twofactor.models import TotpDevice
from tests.operator.conftest import OPERATOR_EMAIL, PASSWORD, actor, make_operator

pytestmark = pytest.mark.usefixtures("fast_hasher", "empty_cache")


def _password(client: Client, password: str = PASSWORD) -> str:
    response = client.post("/beheer/login/", {"email": OPERATOR_EMAIL, "password": password})
    assert response.status_code == 302 if password == PASSWORD else 200
    return response["Location"] if response.status_code == 302 else ""


def _current_code(account: Account) -> str:
    device = TotpDevice.objects.get(account=account)
    return pyotp.TOTP(crypto.unseal(device.secret)).at(int(time.time()))


def test_password_then_code_opens_the_console(db: None) -> None:
    operator = make_operator()
    client = Client()
    assert _password(client) == "/beheer/login/code/"
    assert client.get("/beheer/").status_code == 403  # the password alone is not enough
    response = client.post("/beheer/login/code/", {"code": _current_code(operator)})
    assert response.status_code == 302
    assert response["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == 200
    event = AuditEvent.objects.get(action="operator.login")
    assert event.actor == actor(operator)


def test_wrong_code_signs_nobody_in(db: None) -> None:
    make_operator()
    client = Client()
    _password(client)
    response = client.post("/beheer/login/code/", {"code": "000000"})
    assert response.status_code == 400
    assert "Deze code klopt niet." in response.content.decode()
    assert client.get("/beheer/").status_code == 403
    assert not AuditEvent.objects.filter(action="operator.login").exists()


def test_wrong_password_goes_no_further(db: None) -> None:
    make_operator()
    client = Client()
    response = client.post("/beheer/login/", {"email": OPERATOR_EMAIL, "password": "fout"})
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.content.decode()
    assert client.get("/beheer/login/code/")["Location"] == "/beheer/login/"
    assert AuditEvent.objects.filter(action="operator.login_failed", outcome="denied").count() == 1


def test_staff_account_cannot_sign_in_as_operator(teacher: object) -> None:
    client = Client()
    response = client.post("/beheer/login/", {"email": "anna.jansen@school.example", "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/beheer/").status_code == 403


def test_operator_without_device_sets_one_up_first(db: None) -> None:
    operator = make_operator(two_factor=False)
    client = Client()
    assert _password(client) == "/beheer/login/instellen/"
    page = client.get("/beheer/login/instellen/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert client.get("/beheer/").status_code == 403
    response = client.post("/beheer/login/instellen/", {"code": _current_code(operator)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get("/beheer/").status_code == 200
    assert TotpDevice.objects.get(account=operator).confirmed
