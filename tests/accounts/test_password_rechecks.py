"""Finding 12.1: the password checks behind a signed-in session (the takeover page and the current
password on the profile) go through the login throttle: same counters, waits and challenge."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from klaspoort.accounts.challenge import FIELD
from klaspoort.accounts.login import SESSION_IP, SESSION_TAKEOVER
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD
from tests.accounts.test_challenge import solve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "empty_cache")]

HOME = "127.0.0.1"
AWAY = "192.0.2.77"
WAIT = re.compile(r"Te veel mislukte pogingen\. Wacht (\d+) seconden en probeer het dan opnieuw\.")


def waits(response: Any) -> bool:
    """The page tells to wait (the 30 s first wait, less the seconds the test took so far)."""
    found = WAIT.search(response.content.decode())
    return found is not None and 20 <= int(found.group(1)) <= 30


@pytest.fixture
def slow_waits(settings: Any) -> None:
    """A first wait long enough that it cannot run out during a test."""
    settings.LOGIN_THROTTLE = {"client_base_delay": 30}


@pytest.fixture
def taken_over(client: Client, teacher: StaffPlacement) -> Client:
    """A session cookie used from another address: every page leads to /login/confirm/."""
    assert (
        client.post(
            "/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=HOME
        ).status_code
        == 302
    )
    assert client.get("/start/", REMOTE_ADDR=AWAY)["Location"].startswith("/login/confirm/")
    return client


def _confirm(client: Client, password: str, **extra: str) -> Any:
    return client.post(
        "/login/confirm/", {"password": password, "next": "/start/", **extra}, REMOTE_ADDR=AWAY
    )


def _checked(action: str) -> int:
    return AuditEvent.objects.filter(action=action, data__reason="password").count()


def test_takeover_page_waits_after_five_wrong_passwords_like_the_login(
    taken_over: Client, cache_backend: str, slow_waits: None
) -> None:
    key = taken_over.session.session_key
    for _ in range(30):
        assert _confirm(taken_over, "fout12345").status_code == 400
    assert _checked("session.reauth_failed") == 5  # then every try waited, unchecked
    refused = _confirm(taken_over, PASSWORD)  # even the right one while the wait runs
    assert refused.status_code == 400
    assert waits(refused)
    assert taken_over.session.session_key == key  # nothing changed: same key, still flagged
    assert taken_over.session[SESSION_TAKEOVER]["to"] == AWAY
    assert taken_over.session[SESSION_IP] == HOME
    assert not AuditEvent.objects.filter(action="session.reauthenticated").exists()
    throttled = AuditEvent.objects.filter(action="login.throttled", client_ip=AWAY)
    assert throttled.count() == 26
    assert AuditEvent.objects.filter(action="session.reauth_failed", data__reason="throttled").count() == 26


def test_takeover_failures_count_for_the_login_from_that_address(
    taken_over: Client, teacher: StaffPlacement, slow_waits: None
) -> None:
    for _ in range(5):
        _confirm(taken_over, "fout12345")
    login = Client().post("/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=AWAY)
    assert login.status_code == 200
    assert waits(login)
    assert AccountSession.objects.filter(account__isnull=False).count() == 1  # no session created


def test_takeover_page_asks_for_the_challenge_after_account_failures(
    taken_over: Client, settings: Any
) -> None:
    settings.LOGIN_THROTTLE = {"account_challenge_after": 3, "client_delay_after": 100}
    settings.CHALLENGE_MAX_NUMBER = 300
    for _ in range(3):
        _confirm(taken_over, "fout12345")
    page = _confirm(taken_over, PASSWORD)
    assert page.status_code == 400
    assert 'id="kp-challenge-data"' in page.content.decode()
    assert SESSION_TAKEOVER in taken_over.session  # right password, no challenge: not let in
    assert _checked("session.reauth_failed") == 3
    answer = solve(page.context["challenge"])
    assert _confirm(taken_over, PASSWORD, **{FIELD: answer})["Location"] == "/start/"
    assert SESSION_TAKEOVER not in taken_over.session


def test_right_password_on_the_takeover_page_clears_this_clients_failures(taken_over: Client) -> None:
    for _ in range(4):
        _confirm(taken_over, "fout12345")
    assert _confirm(taken_over, PASSWORD)["Location"] == "/start/"
    taken_over.get("/start/", REMOTE_ADDR=HOME)  # and back: the flag again
    for _ in range(4):
        assert "Dit wachtwoord klopt niet." in _confirm(taken_over, "fout12345").content.decode()


def _change(client: Client, current: str, **extra: str) -> Any:
    data = {"current": current, "password1": "nieuwWachtwoord77", "password2": "nieuwWachtwoord77", **extra}
    return client.post("/profile/", data, REMOTE_ADDR=HOME)


def test_profile_current_password_is_throttled(
    client: Client, teacher: StaffPlacement, cache_backend: str, slow_waits: None
) -> None:
    client.post("/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=HOME)
    account = Account.objects.get(email=teacher.staff.email)
    hashed = account.password
    for _ in range(30):
        assert _change(client, "fout12345").status_code == 400
    assert _checked("password.change_failed") == 5
    refused = _change(client, PASSWORD)
    assert refused.status_code == 400
    assert waits(refused)
    account.refresh_from_db()
    assert account.password == hashed  # nothing changed
    assert not AuditEvent.objects.filter(action="password.changed").exists()
    assert AuditEvent.objects.filter(action="password.change_failed", data__reason="throttled").count() == 26


def test_profile_asks_for_the_challenge_after_account_failures(
    client: Client, teacher: StaffPlacement, settings: Any
) -> None:
    settings.LOGIN_THROTTLE = {"account_challenge_after": 3, "client_delay_after": 100}
    settings.CHALLENGE_MAX_NUMBER = 300
    client.post("/login/", {"email": teacher.staff.email, "password": PASSWORD}, REMOTE_ADDR=HOME)
    for _ in range(3):
        _change(client, "fout12345")
    page = _change(client, PASSWORD)
    assert 'id="kp-challenge-data"' in page.content.decode()
    assert not AuditEvent.objects.filter(action="password.changed").exists()
    assert _change(client, PASSWORD, **{FIELD: solve(page.context["challenge"])}).status_code == 302
    assert AuditEvent.objects.filter(action="password.changed").count() == 1
