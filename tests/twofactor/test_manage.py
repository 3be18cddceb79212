"""The person's own two-factor page and the coordinator's school setting."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor import actions
from klaspoort.twofactor.models import SchoolTwoFactorPolicy, TotpDevice
from tests.accounts.conftest import PASSWORD
from tests.twofactor.conftest import code_at

pytestmark = pytest.mark.django_db


def logged_in(client: Client, email: str) -> None:
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302


def test_turn_on_from_the_profile_then_off_with_the_password(
    client: Client, teacher_account: Account
) -> None:
    logged_in(client, teacher_account.email)
    page = client.get("/profile/two-factor/").content.decode()
    assert "Staat uit" in page
    assert "<svg" in page
    codes_page = client.post(
        "/profile/two-factor/", {"action": "confirm", "code": code_at(teacher_account, time.time())}
    ).content.decode()
    assert codes_page.count("<li><code>") == 10
    assert TotpDevice.objects.get(account=teacher_account).confirmed
    page = client.get("/profile/two-factor/").content.decode()
    assert "Staat aan" in page
    assert "<svg" not in page  # the secret is never shown again

    wrong = client.post("/profile/two-factor/", {"action": "off", "password": "niet-mijn-wachtwoord-1"})
    assert "Dit wachtwoord klopt niet." in wrong.content.decode()
    assert TotpDevice.objects.filter(account=teacher_account).exists()
    assert client.post("/profile/two-factor/", {"action": "off", "password": PASSWORD}).status_code == 302
    assert not TotpDevice.objects.filter(account=teacher_account).exists()


def test_profile_page_needs_a_signed_in_staff_member(client: Client) -> None:
    response = client.get("/profile/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_coordinator_sets_the_school_requirement_and_then_cannot_turn_it_off(
    client: Client, coordinator: StaffPlacement, school: SchoolLocation
) -> None:
    logged_in(client, "ict@school.example")
    page = client.get("/profile/two-factor/").content.decode()
    assert "ICT-coördinatoren van deze school moeten tweestapsverificatie gebruiken" in page
    assert client.post("/profile/two-factor/", {"action": "school", "required": "on"}).status_code == 302
    assert SchoolTwoFactorPolicy.objects.get(school=school).coordinators_required
    account = Account.objects.get(email="ict@school.example")
    client.post("/profile/two-factor/", {"action": "confirm", "code": code_at(account, time.time())})
    refused = client.post("/profile/two-factor/", {"action": "off", "password": PASSWORD})
    assert "Je school verplicht tweestapsverificatie voor ICT-coördinatoren." in refused.content.decode()
    assert TotpDevice.objects.filter(account=account).exists()


def test_teacher_cannot_change_the_school_setting(
    client: Client, teacher_account: Account, school: SchoolLocation
) -> None:
    logged_in(client, teacher_account.email)
    page = client.get("/profile/two-factor/").content.decode()
    assert "ICT-coördinatoren van deze school" not in page
    client.post("/profile/two-factor/", {"action": "school", "required": "on"})
    assert not SchoolTwoFactorPolicy.objects.exists()
    assert actions.coordinators_required(school) is False
