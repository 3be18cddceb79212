"""Activation, forgotten password, profile, sign out everywhere, staff-only pages, language switch."""

from __future__ import annotations

import re
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts import tokens
from klaspoort.accounts.actions import activation_link
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "empty_cache")]


@pytest.fixture
def new_teacher(school: SchoolLocation, make_staff: MakeStaff) -> StaffPlacement:
    return make_staff(school, "nieuw@school.example", password=None, active=False, first_name="Nina")


def _path(link: str) -> str:
    return link.removeprefix("http://127.0.0.1:8000")


def test_activation_page_flow(client: Client, new_teacher: StaffPlacement) -> None:
    account = new_teacher.staff.account
    assert account is not None
    path = _path(activation_link(account))
    page = client.get(path)
    assert page.status_code == 200
    assert "nieuw@school.example" in page.content.decode()
    assert 'autocomplete="new-password"' in page.content.decode()
    mismatch = client.post(path, {"password1": "zonnebloem42", "password2": "zonnebloem43"})
    assert mismatch.status_code == 400
    assert "De twee wachtwoorden zijn niet gelijk." in mismatch.content.decode()
    weak = client.post(path, {"password1": "nieuw1234", "password2": "nieuw1234"})
    assert weak.status_code == 400
    assert "Je wachtwoord mag je e-mailnaam niet bevatten." in weak.content.decode()
    account.refresh_from_db()
    assert not account.is_active
    done = client.post(path, {"password1": "zonnebloem42", "password2": "zonnebloem42"})
    assert done["Location"] == "/login/?email=nieuw%40school.example"
    account.refresh_from_db()
    assert account.is_active
    again = client.get(path)
    assert again.status_code == 404
    assert "Deze link werkt niet (meer)" in again.content.decode()
    login = client.post("/login/", {"email": "nieuw@school.example", "password": "zonnebloem42"})
    assert login["Location"] == "/portal/"


@pytest.mark.parametrize("token", ["nope", "2b8925c9-b888-4b3f-b30c-6861717c8c10"])
def test_unknown_activation_link(client: Client, token: str) -> None:
    response = client.get(f"/activate/{token}/")
    assert response.status_code == 404
    assert "Vraag een nieuwe link aan" in response.content.decode()


def test_forgot_password_same_answer_for_known_and_unknown(
    client: Client, teacher: StaffPlacement, mailoutbox
) -> None:
    known = client.post("/password/forgot/", {"email": teacher.staff.email})
    unknown = client.post("/password/forgot/", {"email": "niemand@school.example"})
    again = client.post("/password/forgot/", {"email": teacher.staff.email})
    assert known.status_code == unknown.status_code == again.status_code == 200

    def text(response) -> str:
        body = (
            response.content.decode().replace(teacher.staff.email, "X").replace("niemand@school.example", "X")
        )
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    assert text(known) == text(unknown) == text(again)
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/password/reset/\S+/", mailoutbox[0].body)
    assert link is not None
    path = _path(link.group(0))
    assert client.get(path).status_code == 200
    done = client.post(path, {"password1": "nieuwwachtwoord7", "password2": "nieuwwachtwoord7"})
    assert done.status_code == 302
    assert (
        client.post("/login/", {"email": teacher.staff.email, "password": "nieuwwachtwoord7"}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("page", "kind"),
    [("/password/forgot/", Account.Kind.STAFF), ("/thuis/wachtwoord-vergeten/", Account.Kind.PARENT)],
)
def test_forgot_password_does_the_same_work_in_the_request_for_known_and_unknown_addresses(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch, page: str, kind: str
) -> None:
    """Finding 6 of issue 12: the request only passes the rate gate and hands the address to a
    background job; looking up the account, the token and the mail happen there. So a known and an
    unknown address cost the same queries (none on accounts) and no mail server is contacted."""
    known = "bekend@school.example"
    Account.objects.create_user(known, "Correct-paard-42", kind=kind, is_active=True)
    smtp_connections: list[object] = []

    def no_smtp(self: smtplib.SMTP, *args: object, **kwargs: object) -> None:
        smtp_connections.append(args)
        raise OSError("no mail server inside a request")

    monkeypatch.setattr(smtplib.SMTP, "__init__", no_smtp)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    seen = []
    for email in (known, "onbekend@school.example"):
        before = len(connection.run_on_commit)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(page, {"email": email})
        handed = [type(entry[1]).__name__ for entry in connection.run_on_commit[before:]]
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        seen.append((response.status_code, body.replace(email, "X"), len(queries), handed))
        assert not [q["sql"] for q in queries if "accounts_" in q["sql"] or "audit" in q["sql"]]
    assert seen[0] == seen[1]
    assert seen[0][0] == 200
    assert seen[0][3] == ["ResetAfterCommit"]
    assert smtp_connections == []
    assert Account.objects.get(email=known).tokens.count() == 0  # nothing issued in the request
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert [m.to for m in mail.outbox] == [[known]]  # the job, after commit: one mail, to the known one


def test_forgot_password_needs_an_address(client: Client, mailoutbox) -> None:
    response = client.post("/password/forgot/", {"email": "geen adres"})
    assert response.status_code == 400
    assert mailoutbox == []


def _login(client: Client, placement: StaffPlacement) -> None:
    assert client.post("/login/", {"email": placement.staff.email, "password": PASSWORD}).status_code == 302


def test_profile_shows_person_and_changes_password(client: Client, teacher: StaffPlacement) -> None:
    other = Client()
    _login(other, teacher)
    _login(client, teacher)
    page = client.get("/profile/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Anna Jansen" in body
    assert "De Regenboog" in body
    assert "Je bent op 2 plekken ingelogd." in body
    response = client.post(
        "/profile/", {"current": PASSWORD, "password1": "nieuwwachtwoord7", "password2": "nieuwwachtwoord7"}
    )
    assert response["Location"] == "/profile/"
    assert client.get("/profile/").status_code == 200  # this session continues
    assert other.get("/profile/").status_code == 302  # the other one ended
    assert AccountSession.objects.filter(account__isnull=False).count() == 1


def test_profile_wrong_current_password(client: Client, teacher: StaffPlacement) -> None:
    _login(client, teacher)
    response = client.post(
        "/profile/",
        {"current": "fout12345", "password1": "nieuwwachtwoord7", "password2": "nieuwwachtwoord7"},
    )
    assert response.status_code == 400
    assert "Je huidige wachtwoord klopt niet." in response.content.decode()
    account = teacher.staff.account
    assert account is not None
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_sign_out_everywhere(client: Client, teacher: StaffPlacement) -> None:
    other = Client()
    _login(other, teacher)
    _login(client, teacher)
    assert client.get("/profile/sign-out-everywhere/").status_code == 405
    response = client.post("/profile/sign-out-everywhere/")
    assert response["Location"] == "/login/"
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert other.get("/start/").status_code == 302
    assert client.get("/start/").status_code == 302


@pytest.mark.parametrize("path", ["/start/", "/profile/", "/login/school/"])
def test_staff_pages_need_login(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("path", ["/start/", "/profile/", "/login/school/"])
def test_staff_pages_refuse_parent_accounts(client: Client, path: str) -> None:
    parent = Account.objects.create_user("ouder@thuis.example", PASSWORD, kind="parent", is_active=True)
    client.force_login(parent)
    response = client.get(path)
    assert response.status_code == 403
    assert "Alleen voor medewerkers" in response.content.decode()


def test_csrf_is_required(teacher: StaffPlacement) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"email": teacher.staff.email, "password": PASSWORD})
    assert response.status_code == 403
    page = strict.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    ok = strict.post(
        "/login/", {"email": teacher.staff.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    assert ok.status_code == 302


def test_session_cookie_flags(client: Client, teacher: StaffPlacement, settings) -> None:
    response = client.post("/login/", {"email": teacher.staff.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_SECURE is False  # development (KLASPOORT_DEV=1); True otherwise


def test_language_switch_to_english(client: Client) -> None:
    page = client.get("/login/")
    assert 'lang="nl"' in page.content.decode()
    assert 'value="en"' in page.content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response["Location"] == "/login/"
    english = client.get("/login/").content.decode()
    assert '<html lang="en">' in english
    assert "Staff sign-in" in english
    assert 'value="nl" lang="nl" class="secondary">Nederlands</button>' in english


def test_pages_are_not_cached(client: Client) -> None:
    assert "no-cache" in client.get("/login/")["Cache-Control"]


def test_activation_token_stays_valid_on_get(client: Client, new_teacher: StaffPlacement) -> None:
    account = new_teacher.staff.account
    assert account is not None
    path = _path(activation_link(account))
    client.get(path)
    client.get(path)
    assert tokens.peek_token(path.split("/")[2], tokens.ACTIVATION) == account


def test_field_errors_are_announced_and_linked(client: Client) -> None:
    body = client.post("/password/forgot/", {"email": "geen adres"}).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_email_error"' in body
    assert 'id="id_email_error"' in body
    assert '<label for="id_email">' in body
