"""The staff login page behind the throttle: waits, the challenge, and colleagues left alone."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff
from tests.accounts.test_challenge import solve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_challenges(settings: Any) -> None:
    settings.CHALLENGE_MAX_NUMBER = 2000


ANNA = "anna.jansen@school.example"
BERT = "bert.bakker@school.example"
NAT = "10.0.0.1"


def login(client: Client, email: str = ANNA, password: str = PASSWORD, ip: str = NAT, **extra: str):
    return client.post("/login/", {"email": email, "password": password, **extra}, REMOTE_ADDR=ip)


def challenge_in(body: str) -> dict[str, object] | None:
    match = re.search(r'<script id="kp-challenge-data" type="application/json">(.*?)</script>', body)
    return json.loads(match.group(1)) if match else None


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def failures() -> int:
    return AuditEvent.objects.filter(action="login.failed").count()


def test_login_page_has_no_challenge_normally(client: Client) -> None:
    body = client.get("/login/").content.decode()
    assert challenge_in(body) is None
    assert "challenge.js" not in body


def test_after_five_failures_even_the_right_password_waits(client: Client, teacher: StaffPlacement) -> None:
    for _ in range(5):
        assert "horen niet bij elkaar" in login(client, password="fout-wachtwoord-1").content.decode()
    response = login(client)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Te veel mislukte pogingen. Wacht 1 seconde en probeer het dan opnieuw." in body
    assert not signed_in(client)
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert failures() == 5  # the refused try checked no password and counted nothing
    assert AuditEvent.objects.filter(action="login.throttled").count() == 1


def test_colleague_behind_the_same_address_is_never_affected(
    client: Client, teacher: StaffPlacement, make_staff: MakeStaff
) -> None:
    make_staff(teacher.school, BERT, first_name="Bert", surname="Bakker")
    for _ in range(12):
        login(client, password="fout-wachtwoord-1")
    colleague = Client()
    response = login(colleague, email=BERT)
    assert response.status_code == 302
    assert signed_in(colleague)


def test_challenge_after_many_failures_then_the_owner_gets_in(
    client: Client, teacher: StaffPlacement
) -> None:
    for n in range(10):  # from ten different addresses: no delays, but the account is under attack
        body = login(client, password="fout-wachtwoord-1", ip=f"192.0.2.{n}").content.decode()
    first = challenge_in(body)
    assert first is not None
    assert "klaspoort/challenge.js" in body
    assert 'name="altcha"' in body

    before = failures()
    refused = login(client, ip="198.51.100.1").content.decode()
    assert "Voor de veiligheid doet je browser eerst een korte controle." in refused
    assert not signed_in(client)
    assert failures() == before  # no password was checked
    challenge = challenge_in(refused)
    assert challenge is not None

    wrong = login(client, password="nog-steeds-fout-2", ip="198.51.100.1", altcha=solve(challenge)).content
    assert "horen niet bij elkaar" in wrong.decode()
    assert failures() == before + 1
    again = challenge_in(wrong.decode())
    assert again is not None
    assert again["challenge"] != challenge["challenge"]

    response = login(client, ip="198.51.100.1", altcha=solve(again))
    assert response.status_code == 302
    assert signed_in(client)


def test_a_used_challenge_answer_does_not_pass_again(client: Client, teacher: StaffPlacement) -> None:
    for n in range(10):
        body = login(client, password="fout-wachtwoord-1", ip=f"192.0.2.{n}").content.decode()
    challenge = challenge_in(body)
    assert challenge is not None
    answer = solve(challenge)
    login(client, password="fout-wachtwoord-3", ip="198.51.100.1", altcha=answer)
    before = failures()
    reused = login(client, ip="198.51.100.1", altcha=answer).content.decode()
    assert "De veiligheidscontrole is verlopen." in reused
    assert not signed_in(client)
    assert failures() == before
