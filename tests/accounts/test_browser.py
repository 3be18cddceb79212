"""Browser tests (Playwright + Debian Chromium): activation → login → school picker → logout, and
no page of the account flows asks any host but our own server."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from klaspoort.accounts.actions import activation_link
from klaspoort.accounts.staff import ensure_staff_accounts
from tests.accounts.conftest import RequestLog
from tests.roster import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_hasher"),
]

NEW_PASSWORD = "Twee schapen en 3 koeien"


@pytest.fixture
def two_school_teacher(settings: Any, live_server: Any) -> str:
    settings.BASE_URL = live_server.url
    for school in (factories.school("12AB00", "De Regenboog"), factories.school("34CD00", "De Klimop")):
        placement = factories.staff(school, "anna@school.example", surname="Jansen")
    staff = placement.staff
    ensure_staff_accounts([staff])
    staff.refresh_from_db()
    assert staff.account is not None
    return activation_link(staff.account)


def test_activation_login_school_picker_logout(
    browser_page: tuple[Any, RequestLog], two_school_teacher: str, live_server: Any
) -> None:
    page, log = browser_page
    page.goto(two_school_teacher)
    assert page.locator("h1").inner_text() == "Account activeren"
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()

    page.wait_for_url("**/login/?email=*")
    assert page.get_by_label("E-mailadres").input_value() == "anna@school.example"
    assert "Je account is geactiveerd" in page.locator(".messages").inner_text()
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/login/school/")
    page.get_by_role("button", name="De Klimop").click()
    page.wait_for_url("**/portal/")  # the landing page after every login
    page.goto("/start/")
    assert page.locator("h1").inner_text() == "Welkom, Anna Jansen"
    assert "De Klimop" in page.locator("main").inner_text()

    page.get_by_role("link", name="Andere school kiezen").click()
    page.get_by_role("button", name="De Regenboog").click()
    page.wait_for_url("**/portal/")
    page.goto("/start/")
    assert "De Regenboog" in page.locator("main").inner_text()

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")
    assert "Je bent uitgelogd." in page.locator(".messages").inner_text()
    page.goto("/start/")
    assert urlsplit(page.url).path == "/login/"

    assert log.hosts() == {urlsplit(live_server.url).netloc}


def test_no_page_requests_another_host(
    browser_page: tuple[Any, RequestLog], two_school_teacher: str, live_server: Any
) -> None:
    page, log = browser_page
    page.goto(two_school_teacher)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/login/?email=*")
    for path in (
        "/password/forgot/",
        "/activate/00000000-0000-4000-8000-000000000000/",
        "/dev/mail/",
        "/logout/",
    ):
        page.goto(path)
    page.goto("/password/forgot/")
    page.get_by_label("E-mailadres").fill("anna@school.example")
    page.get_by_role("button", name="Stuur mij een link").click()
    page.wait_for_url("**/password/forgot/")
    page.goto("/dev/mail/")
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill("anna@school.example")
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/login/school/")
    page.get_by_role("button", name="De Regenboog").click()
    page.wait_for_url("**/portal/")
    page.goto("/profile/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/profile/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Nederlands").click()
    page.wait_for_url("**/profile/")
    assert page.locator("html").get_attribute("lang") == "nl"
    visited = {urlsplit(url).path for url in log.urls}
    assert {
        "/login/",
        "/login/school/",
        "/portal/",
        "/profile/",
        "/password/forgot/",
        "/dev/mail/",
    } <= visited
    assert "/static/klaspoort/accounts.css" in visited
    assert log.hosts() == {urlsplit(live_server.url).netloc}
    assert log.schemes() == {"http"}
