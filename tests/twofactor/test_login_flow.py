"""The staff login with two-factor: code after the password, recovery codes, throttled codes,
and enrolment when the school requires it of coordinators."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor import actions
from klaspoort.twofactor.login import SESSION_PENDING
from klaspoort.twofactor.models import TotpDevice
from tests.accounts.conftest import PASSWORD
from tests.twofactor.conftest import code_at, enrol

pytestmark = pytest.mark.django_db

ANNA = "anna.jansen@school.example"


def password_step(client: Client, email: str = ANNA) -> str:
    response = client.post("/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def current_code(account: Account) -> str:
    return code_at(account, time.time())


def test_without_two_factor_the_login_is_unchanged(client: Client, teacher: StaffPlacement) -> None:
    assert password_step(client) == "/portal/"
    assert signed_in(client)


def test_enrolled_account_is_asked_for_a_code_after_the_password(
    client: Client, teacher_account: Account
) -> None:
    enrol(teacher_account)
    assert password_step(client) == "/login/code/"
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action="login.succeeded").exists()
    page = client.get("/login/code/").content.decode()
    assert 'autocomplete="one-time-code"' in page

    wrong = client.post(
        "/login/code/", {"code": "000000" if current_code(teacher_account) != "000000" else "111111"}
    )
    assert "Deze code klopt niet. Je kunt het nog 4 keer proberen." in wrong.content.decode()
    assert not signed_in(client)

    response = client.post("/login/code/", {"code": current_code(teacher_account)})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert signed_in(client)
    assert SESSION_PENDING not in client.session
    assert AuditEvent.objects.filter(action="login.succeeded").count() == 1


def test_a_recovery_code_also_completes_the_login(client: Client, teacher_account: Account) -> None:
    codes = enrol(teacher_account)
    password_step(client)
    assert client.post("/login/code/", {"code": codes[0]}).status_code == 302
    assert signed_in(client)


def test_code_page_without_a_password_step_sends_back_to_login(
    client: Client, teacher_account: Account
) -> None:
    response = client.get("/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_pending_login_expires(client: Client, teacher_account: Account) -> None:
    enrol(teacher_account)
    password_step(client)
    session = client.session
    session[SESSION_PENDING] = {**session[SESSION_PENDING], "since": int(time.time()) - 601}
    session.save()
    response = client.post("/login/code/", {"code": current_code(teacher_account)})
    assert response["Location"] == "/login/"
    assert not signed_in(client)


def test_code_guessing_is_slowed_and_ends_the_pending_login(
    client: Client, teacher_account: Account, settings: object
) -> None:
    enrol(teacher_account)
    password_step(client)
    wrong = "000000" if current_code(teacher_account) != "000000" else "111111"
    for left in (4, 3, 2):
        assert f"nog {left} keer" in client.post("/login/code/", {"code": wrong}).content.decode()
    # The third wrong code starts the per-account code throttle: even the right code waits now.
    waiting = client.post("/login/code/", {"code": current_code(teacher_account)}).content.decode()
    assert "Even wachten: probeer het over 2 seconden opnieuw." in waiting
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="login.code_throttled").count() == 1
    assert AuditEvent.objects.filter(action="login.code_failed").count() == 3


def test_five_wrong_codes_ask_for_the_password_again(
    client: Client, teacher_account: Account, settings: object
) -> None:
    settings.LOGIN_THROTTLE = {"code_delay_after": 100}  # type: ignore[attr-defined]
    enrol(teacher_account)
    password_step(client)
    wrong = "000000" if current_code(teacher_account) != "000000" else "111111"
    for _ in range(4):
        client.post("/login/code/", {"code": wrong})
    ended = client.post("/login/code/", {"code": wrong})
    assert ended["Location"] == "/login/"
    assert SESSION_PENDING not in client.session
    assert client.get("/login/code/")["Location"] == "/login/"


def test_coordinator_of_a_school_that_requires_it_enrols_at_login(
    client: Client, coordinator: StaffPlacement, school: SchoolLocation
) -> None:
    actions.do_set_coordinator_requirement(school, True, actor=SystemActor("test"))
    assert password_step(client, "ict@school.example") == "/login/two-factor/"
    assert not signed_in(client)
    page = client.get("/login/two-factor/").content.decode()
    assert "<svg" in page
    assert "Tweestapsverificatie instellen" in page
    account = Account.objects.get(email="ict@school.example")
    response = client.post("/login/two-factor/", {"code": current_code(account)})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<li><code>") == 10
    assert 'href="/portal/"' in body
    assert signed_in(client)
    assert TotpDevice.objects.get(account=account).confirmed


def test_teacher_at_that_school_is_not_asked(
    client: Client, teacher: StaffPlacement, school: SchoolLocation
) -> None:
    actions.do_set_coordinator_requirement(school, True, actor=SystemActor("test"))
    assert password_step(client) == "/portal/"
