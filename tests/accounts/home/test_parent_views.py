"""The parent's pages: login, child picker, the child step (C9 markup), staff kept apart (C12)."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from tests.accounts.home.conftest import (
    DAAN_PICTURES,
    PARENT,
    PARENT_PASSWORD,
    SANNE_PIN,
    Family,
    activated_parent,
    log_in_parent,
)
from tests.accounts.pupils import roster
from tests.accounts.test_challenge import solve
from tests.roster import factories

pytestmark = pytest.mark.django_db


def page(response: Any) -> Any:
    return lxml.html.fromstring(response.content.decode())


def ref_of(pupil: Any) -> str:
    return str(HomeAddress.objects.get(pupil=pupil, email=PARENT).uuid)


def principal(client: Client) -> Principal | None:
    return Principal.from_session(client.session.get(SESSION_KEY))


# --- C9: the two forms browsers see ---


def test_parent_login_form_is_a_username_and_current_password_form(client: Client) -> None:
    html = page(client.get("/thuis/"))
    (form,) = html.xpath('//form[@id="parent-login-form"]')
    inputs = {i.get("name"): i for i in form.xpath(".//input") if i.get("type") != "hidden"}
    assert sorted(inputs) == ["email", "password"]
    assert (inputs["email"].get("type"), inputs["email"].get("autocomplete")) == ("email", "username")
    assert (inputs["password"].get("type"), inputs["password"].get("autocomplete")) == (
        "password",
        "current-password",
    )
    assert html.xpath('//input[@name="code"]') == []


def test_child_pin_step_has_no_username_and_no_password_field(
    client: Client, family: Family, parent: Account
) -> None:
    log_in_parent(client)
    response = client.get(f"/thuis/kinderen/{ref_of(family.sanne)}/")
    assert response.status_code == 200
    html = page(response)
    assert html.xpath('//input[@type="password"]') == []
    assert html.xpath('//input[@type="email" or @autocomplete="username" or @name="email"]') == []
    assert len(html.xpath("//form[.//input[@name='code']]")) == 1
    (form,) = html.xpath('//form[@id="code-form"]')
    assert form.get("autocomplete") == "off"
    (pin,) = form.xpath('.//input[@name="code"]')
    assert pin.get("type") == "text"
    assert pin.get("inputmode") == "numeric"
    assert pin.get("autocomplete") in ("off", "one-time-code")
    assert "pin-input" in pin.get("class").split()
    # The masking comes from the stylesheet the page links to.
    stylesheets = html.xpath('//link[@rel="stylesheet"]/@href')
    assert "/static/klaspoort/pupils.css" in stylesheets
    css = b"".join(client.get("/static/klaspoort/pupils.css").streaming_content).decode()  # type: ignore[attr-defined]
    assert re.search(r"\.pin-input\s*\{[^}]*-webkit-text-security:\s*disc", css)
    assert html.xpath("//h1")[0].text_content() == "Hoi Sanne!"


def test_child_picture_step_has_nine_picture_buttons_and_a_hidden_code(
    client: Client, family: Family, parent: Account
) -> None:
    log_in_parent(client)
    html = page(client.get(f"/thuis/kinderen/{ref_of(family.daan)}/"))
    (code,) = html.xpath('//form[@id="code-form"]//input[@name="code"]')
    assert code.get("type") == "hidden"
    assert len(html.xpath('//button[@class="picture-choice"]')) == 9
    assert html.xpath('//input[@type="password"]') == []


# --- login, picker, child step ---


def test_parent_with_two_children_picks_one(client: Client, family: Family, parent: Account) -> None:
    old_key = client.session.session_key
    response = log_in_parent(client)
    assert (response.status_code, response["Location"]) == (302, "/thuis/kinderen/")
    assert client.session.session_key != old_key
    assert principal(client) is None  # nobody acts as a pupil before the child's code
    html = page(client.get("/thuis/kinderen/"))
    cards = [
        (
            card.xpath('.//*[@class="home-child-name"]')[0].text,
            card.xpath('.//*[@class="home-child-school"]')[0].text,
        )
        for card in html.xpath('//a[@class="home-child"]')
    ]
    assert cards == [("Daan", "De Klimop"), ("Sanne", "De Regenboog")]
    assert len(html.xpath('//a[@class="home-child"]/*[local-name()="svg"]')) == 2
    assert AuditEvent.objects.filter(
        action="home.login", outcome="ok", actor=f"account:{parent.uuid}"
    ).exists()


def test_one_child_goes_straight_to_the_code_step(client: Client, family: Family) -> None:
    from klaspoort.accounts.home.actions import do_set_home_addresses

    activated_parent(family, email="alleen@thuis.example")
    do_set_home_addresses(family.daan, [], actor=SystemActor("t"))
    log_in_parent(client, "alleen@thuis.example")
    response = client.get("/thuis/kinderen/")
    assert response.status_code == 302
    assert response["Location"] == f"/thuis/kinderen/{HomeAddress.objects.get(pupil=family.sanne).uuid}/"


def test_the_right_pin_signs_the_child_in_at_home(client: Client, family: Family, parent: Account) -> None:
    log_in_parent(client)
    key = client.session.session_key
    response = client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": SANNE_PIN})
    assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert client.session.session_key != key
    signed_in = principal(client)
    assert signed_in is not None
    assert (signed_in.kind, signed_in.person, signed_in.school, signed_in.context, signed_in.account) == (
        "pupil",
        family.sanne.uuid,
        family.regenboog.instelling_ref,
        "home",
        parent.uuid,
    )
    event = AuditEvent.objects.get(action="pupil.login", outcome="ok")
    assert (event.actor, event.data["context"]) == (f"account:{parent.uuid}", "home")
    assert "Jouw software thuis" in client.get("/portal/").content.decode()


def test_picture_password_and_switching_to_a_sibling(client: Client, family: Family, parent: Account) -> None:
    log_in_parent(client)
    client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": SANNE_PIN})
    response = client.post(f"/thuis/kinderen/{ref_of(family.daan)}/", {"code": DAAN_PICTURES})
    assert response.status_code == 302
    signed_in = principal(client)
    assert signed_in is not None
    assert (signed_in.person, signed_in.school) == (family.daan.uuid, family.klimop.instelling_ref)


def test_a_wrong_code_is_refused_then_throttled_per_device_and_shown_to_the_teacher(
    client: Client, family: Family, parent: Account
) -> None:
    log_in_parent(client)
    url = f"/thuis/kinderen/{ref_of(family.sanne)}/"
    client.get(url)  # the page gives the browser its device id
    for _ in range(2):
        response = client.post(url, {"code": "9157"})
        assert response.status_code == 400
        assert "Dat is niet goed. Probeer het nog een keer." in response.content.decode()
    third = client.post(url, {"code": "9157"})  # the third mistake on this device: a short wait
    assert (third.status_code, third["Retry-After"]) == (429, "1")
    assert "Even wachten." in third.content.decode()
    refused = client.post(url, {"code": SANNE_PIN})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert principal(client) is None
    credential = PupilCredential.objects.get(pupil=family.sanne)
    assert credential.failed_attempts == 3
    # Another device (the sibling's tablet) is not slowed down by this one.
    other = Client()
    log_in_parent(other)
    assert other.post(url, {"code": SANNE_PIN}).status_code == 302


def test_a_child_of_someone_else_is_not_found(client: Client, family: Family, parent: Account) -> None:
    from klaspoort.accounts.home.actions import do_set_home_addresses

    do_set_home_addresses(family.classmate, ["ander@thuis.example"], actor=SystemActor("t"))
    log_in_parent(client)
    other_ref = HomeAddress.objects.get(pupil=family.classmate).uuid
    for url in (f"/thuis/kinderen/{other_ref}/", "/thuis/kinderen/niet-een-uuid/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": SANNE_PIN}).status_code == 404
    assert principal(client) is None


def test_wrong_password_and_unactivated_accounts_are_refused_alike(client: Client, family: Family) -> None:
    from klaspoort.accounts.home.actions import do_set_home_addresses

    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))  # not activated yet
    for email, password in ((PARENT, PARENT_PASSWORD), ("niemand@thuis.example", PARENT_PASSWORD)):
        response = log_in_parent(client, email, password)
        assert response.status_code == 400
        assert "horen niet bij elkaar" in response.content.decode()
    assert not AccountSession.objects.filter(account__isnull=False).exists()
    assert AuditEvent.objects.filter(action="home.login", outcome="denied").count() == 2


def test_a_pupil_signed_in_at_school_is_signed_out_when_a_parent_logs_in(
    client: Client, family: Family, parent: Account
) -> None:
    credential = roster.credentials(family.group5)["Mila"]
    from klaspoort.accounts.pupils.actions import do_new_code

    do_new_code(credential, actor=SystemActor("t"), school_ref=family.regenboog.instelling_ref, code="5927")
    client.post(
        f"/s/{family.regenboog.instelling_ref}/{family.group5.uuid}/{credential.slug}/", {"code": "5927"}
    )
    assert principal(client) is not None
    log_in_parent(client)
    assert principal(client) is None


def test_logout_leads_back_to_the_home_login(client: Client, family: Family, parent: Account) -> None:
    log_in_parent(client)
    client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": SANNE_PIN})
    response = client.post("/leerling/uitloggen")  # the portal's logout button for pupils
    assert response["Location"] == "/thuis/"
    assert principal(client) is None
    assert "_auth_user_id" not in client.session  # the parent is signed out as well
    for logout in ("/thuis/uitloggen/", "/logout/"):
        log_in_parent(client)
        assert client.post(logout)["Location"] == "/thuis/"
        assert client.get("/thuis/kinderen/")["Location"] == "/thuis/"


# --- C12 and separate accounts per kind ---


@pytest.fixture
def staff_account(family: Family) -> Account:
    account = Account.objects.create_user(
        family.teacher.staff.email, "Schoolbord-2026", kind="staff", is_active=True
    )
    family.teacher.staff.account = account
    family.teacher.staff.save()
    return account


def test_a_staff_account_cannot_log_in_at_home(
    client: Client, family: Family, staff_account: Account
) -> None:
    response = log_in_parent(client, staff_account.email, "Schoolbord-2026")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_same_address_with_a_parent_account_logs_in_as_parent(
    client: Client, family: Family, staff_account: Account
) -> None:
    parent = activated_parent(family, email=staff_account.email, password="Thuiswerk-2026")
    assert log_in_parent(client, staff_account.email, "Schoolbord-2026").status_code == 400
    assert log_in_parent(client, staff_account.email, "Thuiswerk-2026").status_code == 302
    assert client.session["_auth_user_id"] == str(parent.pk)


def test_staff_pages_do_not_accept_a_parent(client: Client, family: Family, parent: Account) -> None:
    refused = client.post("/login/", {"email": PARENT, "password": PARENT_PASSWORD})
    assert refused.status_code == 200
    assert "horen niet bij elkaar" in refused.content.decode()
    log_in_parent(client)
    client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": SANNE_PIN})
    assert client.get("/start/").status_code == 403
    assert client.get("/klas/").status_code == 403
    assert client.get(f"/klas/{family.group5.uuid}/").status_code == 403


def test_a_teacher_cannot_enter_the_child_step(
    client: Client, family: Family, parent: Account, staff_account: Account
) -> None:
    assert (
        client.post("/login/", {"email": staff_account.email, "password": "Schoolbord-2026"}).status_code
        == 302
    )
    staff_principal = principal(client)
    url = f"/thuis/kinderen/{ref_of(family.sanne)}/"
    assert client.get(url).status_code == 403
    refused = client.post(url, {"code": SANNE_PIN})
    assert refused.status_code == 403
    assert "Alleen voor ouders" in refused.content.decode()
    assert principal(client) == staff_principal  # still the teacher, never the pupil
    assert client.get("/thuis/kinderen/").status_code == 403
    assert not AuditEvent.objects.filter(action="pupil.login").exists()
    assert (
        AuditEvent.objects.filter(action="home.refused", actor=f"account:{staff_account.uuid}").count() == 3
    )


def test_a_staff_principal_without_a_parent_account_goes_to_the_home_login(
    client: Client, family: Family, parent: Account
) -> None:
    roster.sign_in_staff(client, family.teacher)
    response = client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": SANNE_PIN})
    assert response["Location"] == "/thuis/"
    assert principal(client).kind == "staff"  # type: ignore[union-attr]


# --- throttle on the parent's password step (the staff login's throttle) ---


@pytest.fixture
def strict_throttle(settings: Any) -> None:
    settings.LOGIN_THROTTLE = {"account_challenge_after": 2, "client_delay_after": 100}
    settings.CHALLENGE_MAX_NUMBER = 2000


def challenge_in(body: str) -> dict[str, Any] | None:
    match = re.search(r'<script id="kp-challenge-data" type="application/json">(.*?)</script>', body)
    return json.loads(match.group(1)) if match else None


@pytest.mark.usefixtures("strict_throttle")
def test_parent_password_step_needs_the_challenge_after_failures(
    client: Client, family: Family, parent: Account
) -> None:
    for _ in range(2):
        body = log_in_parent(client, password="fout-wachtwoord-1").content.decode()
    challenge = challenge_in(body)
    assert challenge is not None
    assert "klaspoort/challenge.js" in body
    refused = log_in_parent(client).content.decode()
    assert "Voor de veiligheid doet je browser eerst een korte controle." in refused
    assert "_auth_user_id" not in client.session
    fresh = challenge_in(refused)
    assert fresh is not None
    response = client.post("/thuis/", {"email": PARENT, "password": PARENT_PASSWORD, "altcha": solve(fresh)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(parent.pk)


def test_parent_password_step_waits_after_five_failures_from_one_client(
    client: Client, family: Family, parent: Account
) -> None:
    for _ in range(5):
        log_in_parent(client, password="fout-wachtwoord-1")
    body = log_in_parent(client).content.decode()
    assert "Te veel mislukte pogingen. Wacht 1 seconde" in body
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("failing", ["parent", "teacher"])
def test_failures_at_one_login_leave_the_other_login_with_the_same_address_alone(
    client: Client, family: Family, staff_account: Account, settings: Any, failing: str
) -> None:
    """A parent and a teacher share an address: one of them mistypes until the next try must wait
    and needs the challenge; the other logs in at once from the same client, without a challenge."""
    settings.LOGIN_THROTTLE = {"account_challenge_after": 3, "client_delay_after": 3}
    parent = activated_parent(family, email=staff_account.email, password="Thuiswerk-2026")
    logins = {
        "parent": ("/thuis/", "Thuiswerk-2026", parent),
        "teacher": ("/login/", "Schoolbord-2026", staff_account),
    }
    other = "teacher" if failing == "parent" else "parent"
    path, _, _ = logins[failing]
    for _ in range(3):
        client.post(path, {"email": staff_account.email, "password": "fout-wachtwoord-1"})
    body = client.post(path, {"email": staff_account.email, "password": logins[failing][1]}).content.decode()
    assert "Te veel mislukte pogingen." in body
    assert challenge_in(body) is not None
    assert "_auth_user_id" not in client.session

    path, password, account = logins[other]
    response = client.post(path, {"email": staff_account.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    throttled = AuditEvent.objects.filter(action="login.throttled").values_list("data", flat=True)
    assert [data.get("login", "staff") for data in throttled] == [
        "parent" if failing == "parent" else "staff"
    ]


# --- queries on the hot path ---


def _statements(queries: CaptureQueriesContext) -> list[str]:
    """The first word of each statement; savepoints only exist because tests run in a transaction."""
    return [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_home_login_costs_a_fixed_small_number_of_queries(
    client: Client, family: Family, parent: Account, django_assert_max_num_queries: Any
) -> None:
    for index in range(5):  # more children do not cost more queries
        child = factories.pupil(family.group5, f"Broer{index}")
        HomeAddress.objects.create(pupil=child, position=1, email=PARENT, account=parent)
    roster.credentials(family.group5)
    # The try counted ahead in one statement that takes its turn with the account's (or pupil's)
    # lock: on PostgreSQL the lock is inside it ("WITH … INSERT").
    count_ahead = "WITH" if connection.vendor == "postgresql" else "INSERT"
    with CaptureQueriesContext(connection) as login:
        log_in_parent(client)
    # throttle counters read, this try counted ahead, account, counters taken back, audit, session
    assert _statements(login) == ["SELECT", count_ahead, "SELECT", "DELETE", "INSERT", "INSERT"]
    with django_assert_max_num_queries(3):  # session, account, children
        assert client.get("/thuis/kinderen/").status_code == 200
    url = f"/thuis/kinderen/{ref_of(family.sanne)}/"
    client.get(url)
    with CaptureQueriesContext(connection) as code:
        assert client.post(url, {"code": SANNE_PIN}).status_code == 302
    # session, account, child, the code's throttle (counted ahead, taken back), audit, session
    # rotation (delete, insert)
    assert _statements(code) == [
        "SELECT", "SELECT", "SELECT", count_ahead, "DELETE", "INSERT", "DELETE", "INSERT"
    ]  # fmt: skip


def test_the_home_pages_speak_english_when_chosen(client: Client) -> None:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/thuis/").content.decode()
    assert '<h1 id="login-title">Home sign-in</h1>' in body
    assert "Forgotten your password?" in body
