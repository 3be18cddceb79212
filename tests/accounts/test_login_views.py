from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.forms import LoginForm
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
EMAIL = "anna.jansen@school.example"


def _login(client: Client, email: str = "anna.jansen@school.example", password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"email": email, "password": password, **extra})


def test_login_page_has_the_fields(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="email"' in body
    assert 'name="password"' in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_login_single_school_sets_principal_and_goes_to_start(
    client: Client, teacher: StaffPlacement
) -> None:
    response = _login(client)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    principal = Principal.from_session(client.session[SESSION_KEY])
    assert principal is not None
    assert principal.kind == "staff"
    assert principal.person == teacher.staff.uuid
    assert principal.school == teacher.school.instelling_ref
    assert teacher.staff.account is not None
    assert principal.account == teacher.staff.account.uuid
    row = AccountSession.objects.get()
    assert row.account_id == teacher.staff.account_id
    assert row.school_ref == teacher.school.instelling_ref
    assert AuditEvent.objects.filter(action="login.succeeded").count() == 1
    start = client.get("/start/")
    assert start.status_code == 200
    assert "Anna Jansen" in start.content.decode()
    assert "De Regenboog" in start.content.decode()


def test_login_email_is_case_insensitive(client: Client, teacher: StaffPlacement) -> None:
    assert _login(client, email="  Anna.Jansen@School.Example ").status_code == 302


def test_wrong_password_is_refused_with_one_message(client: Client, teacher: StaffPlacement) -> None:
    response = _login(client, password="verkeerd123")
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="login.failed").count() == 1


def test_unknown_address_gets_the_same_message(client: Client, teacher: StaffPlacement) -> None:
    wrong = _login(client, password="verkeerd123").content.decode()
    unknown = _login(client, email="nobody@school.example").content.decode()
    assert wrong.count("horen niet bij elkaar") == unknown.count("horen niet bij elkaar") == 1
    event = AuditEvent.objects.filter(action="login.failed").first()
    assert event is not None
    assert event.subject.startswith("email:")
    assert "nobody" not in event.subject


def test_inactive_account_cannot_log_in(
    client: Client, school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(school, active=False)
    assert _login(client).status_code == 200
    assert SESSION_KEY not in client.session


def test_parent_account_cannot_use_staff_login(client: Client, teacher: StaffPlacement) -> None:
    Account.objects.create_user("ouder@thuis.example", PASSWORD, kind="parent", is_active=True)
    assert _login(client, email="ouder@thuis.example").status_code == 200


def test_staff_without_active_placement_is_told(client: Client, teacher: StaffPlacement) -> None:
    StaffPlacement.objects.filter(pk=teacher.pk).update(active=False)
    response = _login(client)
    assert response.status_code == 200
    assert "niet (meer) aan een school gekoppeld" in response.content.decode()
    assert AccountSession.objects.filter(account__isnull=False).count() == 0


def test_multi_school_staff_pick_a_school(
    client: Client, teacher: StaffPlacement, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(other_school)
    response = _login(client, next="/profile/")
    assert response["Location"] == "/login/school/"
    assert SESSION_KEY not in client.session
    page = client.get("/login/school/")
    assert "De Klimop" in page.content.decode()
    assert "De Regenboog" in page.content.decode()
    # a school that is not theirs is refused
    foreign = client.post("/login/school/", {"school": "00000000-0000-4000-8000-000000000000"})
    assert foreign.status_code == 400
    assert SESSION_KEY not in client.session
    chosen = client.post("/login/school/", {"school": str(other_school.instelling_ref)})
    assert chosen["Location"] == "/profile/"
    principal = Principal.from_session(client.session[SESSION_KEY])
    assert principal is not None
    assert principal.school == other_school.instelling_ref


def test_start_needs_a_chosen_school(
    client: Client, teacher: StaffPlacement, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(other_school)
    _login(client)
    response = client.get("/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/school/")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "http://evil.example", "javascript:alert(1)"]
)
def test_next_cannot_leave_the_site(client: Client, teacher: StaffPlacement, next_url: str) -> None:
    response = _login(client, next=next_url)
    assert response["Location"] == "/portal/"


def test_next_on_the_site_is_followed(client: Client, teacher: StaffPlacement) -> None:
    assert _login(client, next="/profile/?tab=1")["Location"] == "/profile/?tab=1"


def test_logout_needs_post_and_ends_everything(client: Client, teacher: StaffPlacement) -> None:
    _login(client)
    assert client.get("/logout/").status_code == 200
    assert SESSION_KEY in client.session
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert AccountSession.objects.filter(account__isnull=False).count() == 0
    assert client.get("/start/").status_code == 302


def test_login_rotates_the_session_key(client: Client, teacher: StaffPlacement) -> None:
    client.get("/login/")
    session = client.session
    session["x"] = 1
    session.save()
    before = session.session_key
    _login(client)
    assert client.session.session_key != before
    assert not AccountSession.objects.filter(session_key=before).exists()


# Throttle: the counters read and this try counted ahead, both under the account's lock (one cache
# read; the per-client and per-account counters created: count check, read, insert each); the
# account with its placements in one query; the counters taken back (one delete); audit event,
# session row.
def expected_login_statements() -> list[str]:
    """Counters read; the try counted ahead (both counters created in one statement that takes its
    turn with the account's lock: on PostgreSQL the lock is inside it, "WITH … INSERT"); the
    placements; the count taken back; the audit event; the session."""
    count_ahead = "WITH" if connection.vendor == "postgresql" else "INSERT"
    return ["SELECT", count_ahead, "SELECT", "DELETE", "INSERT", "INSERT"]


def test_login_query_count(client: Client, teacher: StaffPlacement) -> None:
    """The statements of a login (savepoints aside, which only exist because the test runs inside a
    transaction). No UPDATE: the account row is not written."""
    client.get("/login/")
    with CaptureQueriesContext(connection) as queries:
        assert _login(client).status_code == 302
    statements = [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert statements == expected_login_statements()


def test_login_inputs_keep_the_address_and_point_at_their_errors(client: Client) -> None:
    page = client.get("/login/").content.decode()
    assert (
        '<input type="email" name="email" autocomplete="username" autofocus maxlength="254" required '
        'id="id_email">' in page
    )
    assert (
        '<input type="password" name="password" autocomplete="current-password" maxlength="1024" '
        'required id="id_password">' in page
    )
    refused = _login(client, email="geen-adres", password="").content.decode()
    assert (
        '<input type="email" name="email" value="geen-adres" autocomplete="username" autofocus '
        'maxlength="254" required aria-invalid="true" aria-describedby="id_email_error" id="id_email">'
        in refused
    )
    assert '<ul class="errorlist" id="id_password_error"><li>Dit veld is verplicht.</li></ul>' in refused
    assert 'value="' not in refused.split('id="id_password"')[0].rsplit("<input", 1)[1]


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _tokens(page: str) -> list[str]:
    return CSRF_INPUT.findall(page)


def test_each_browser_gets_its_own_working_token_on_the_blank_login_page(teacher: StaffPlacement) -> None:
    """The blank page is built once per worker; the CSRF token in it is always the visitor's own."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/login/").content.decode()
    second_page = second.get("/login/").content.decode()
    first_tokens, second_tokens = _tokens(first_page), _tokens(second_page)

    assert len(first_tokens) == len(second_tokens) == 2  # the language switch and the login form
    assert first_tokens[0] == first_tokens[1]
    assert second_tokens[0] == second_tokens[1]
    assert first_tokens[0] != second_tokens[0]
    assert "kp-csrf-token-marker" not in first_page + second_page
    events = AuditEvent.objects.count()
    refused = second.post(
        "/login/", {"csrfmiddlewaretoken": first_tokens[1], "email": EMAIL, "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert AuditEvent.objects.count() == events
    assert not AccountSession.objects.exists()
    answer = second.post(
        "/login/", {"csrfmiddlewaretoken": second_tokens[1], "email": EMAIL, "password": PASSWORD}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/portal/")


def test_the_blank_login_page_is_the_page_a_full_render_gives(client: Client) -> None:
    served = client.get("/login/")
    rendered = render_to_string(
        "accounts/login.html",
        {"form": LoginForm(), "next": "", "challenge": None, "csrf_token": "TOKEN"},
        served.wsgi_request,
    )
    assert CSRF_INPUT.sub('name="csrfmiddlewaretoken" value="TOKEN"', served.content.decode()) == rendered
    assert served["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in served["Cache-Control"]


def test_the_blank_login_page_follows_the_chosen_language(client: Client) -> None:
    assert "Inloggen voor medewerkers" in client.get("/login/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/login/").content.decode()
    assert "Staff sign-in" in english
    assert '<html lang="en">' in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "Inloggen voor medewerkers" in client.get("/login/").content.decode()


def test_a_pending_message_or_a_parameter_gets_the_page_rendered_for_the_request(
    client: Client, teacher: StaffPlacement
) -> None:
    client.get("/login/")  # the blank page is now built
    _login(client)
    after_logout = client.get(client.post("/logout/")["Location"]).content.decode()
    assert "Je bent uitgelogd." in after_logout
    assert "Je bent uitgelogd." not in client.get("/login/").content.decode()

    with_next = client.get("/login/?next=/portal/&email=anna.jansen@school.example").content.decode()
    assert '<input type="hidden" name="next" value="/portal/">' in with_next
    assert 'value="anna.jansen@school.example"' in with_next
    blank = client.get("/login/").content.decode()
    assert 'type="hidden" name="next"' not in blank
    assert "anna.jansen@school.example" not in blank


def test_the_blank_login_page_is_built_again_when_a_setting_changes(client: Client, settings: Any) -> None:
    assert "/static/klaspoort/site.css" in client.get("/login/").content.decode()
    settings.STATIC_URL = "/elders/"
    page = client.get("/login/").content.decode()
    assert "/elders/klaspoort/site.css" in page
    assert "/static/klaspoort/site.css" not in page
