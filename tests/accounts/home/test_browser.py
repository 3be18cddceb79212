"""Browser tests (Playwright + Debian Chromium): a parent with two children at two schools, and
the teacher's home-login actions in the group overview."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from klaspoort.accounts.home.actions import do_set_home_addresses
from klaspoort.accounts.models import Account
from klaspoort.core.actors import SystemActor
from tests.accounts.conftest import RequestLog
from tests.accounts.home.conftest import PARENT, PARENT_PASSWORD, SANNE_PIN, Family, last_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def only_our_server(log: RequestLog, live_server: Any) -> None:
    assert log.hosts() == {live_server.url.removeprefix("http://")}


def log_in(page: Any, password: str = PARENT_PASSWORD) -> None:
    page.goto("/thuis/")
    page.get_by_label("E-mailadres").fill(PARENT)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_parent_with_two_children_at_two_schools(
    browser_page: tuple[Any, RequestLog], family: Family, live_server: Any
) -> None:
    page, log = browser_page
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("test"))
    do_set_home_addresses(family.daan, [PARENT], actor=SystemActor("test"))

    # The newest mail's link (it replaced the first one): the parent chooses a password.
    page.goto(last_link(PARENT).replace(settings.BASE_URL, live_server.url))
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(PARENT_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(PARENT_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/thuis/?email=*")
    assert page.get_by_label("E-mailadres").input_value() == PARENT

    page.get_by_label("Wachtwoord").fill(PARENT_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/thuis/kinderen/")
    children = page.locator(".home-child")
    assert children.all_inner_texts() == ["Daan\nDe Klimop", "Sanne\nDe Regenboog"]
    assert page.locator(".home-child svg").count() == 2

    page.get_by_role("link", name="Sanne De Regenboog").click()
    assert page.locator("h1").inner_text() == "Hoi Sanne!"
    assert page.locator("input[type=password]").count() == 0
    pin = page.locator("#pin")
    # The PIN shows as dots (the style sheet may still be arriving: `expect` waits for it).
    expect(pin).to_have_css("-webkit-text-security", "disc")
    for digit in SANNE_PIN:
        page.get_by_role("button", name=digit, exact=True).click()
    page.wait_for_url("**/portal/")
    assert page.locator("h1").inner_text() == "Jouw software thuis"

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/thuis/")
    log_in(page)
    page.wait_for_url("**/thuis/kinderen/")
    page.get_by_role("link", name="Daan De Klimop").click()
    assert page.locator("h1").inner_text() == "Hoi Daan!"
    page.get_by_role("button", name="ster").click()
    page.get_by_role("button", name="maan").click()
    page.wait_for_url("**/portal/")
    assert page.locator("h1").inner_text() == "Jouw software thuis"
    only_our_server(log, live_server)


def test_teacher_sets_an_address_and_sees_the_state_change(
    browser_page: tuple[Any, RequestLog], family: Family, live_server: Any
) -> None:
    page, log = browser_page
    staff = family.teacher.staff
    staff.account = Account.objects.create_user(staff.email, "Schoolbord-2026", kind="staff", is_active=True)
    staff.save()
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill(staff.email)
    page.get_by_label("Wachtwoord").fill("Schoolbord-2026")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/")
    page.goto(f"/klas/{family.group5.uuid}/")
    row = page.locator(f"#pupil-{family.sanne.uuid}")
    assert row.locator(".home-state").inner_text() == "Nee/Nee"

    row.get_by_role("link", name="Thuisadressen van Sanne").click()
    page.get_by_label("E-mailadres 1").fill("geen adres")
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("alert").inner_text() == "'geen adres' is geen geldig e-mailadres."
    page.get_by_label("E-mailadres 1").fill(PARENT)
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"**/klas/{family.group5.uuid}/#pupil-{family.sanne.uuid}")
    assert row.locator(".home-state").inner_text() == "Ja/Nee"
    assert row.locator(".home-email").inner_text() == PARENT
    first = last_link(PARENT)
    row.get_by_role("button", name=f"Stuur opnieuw een link naar {PARENT}").click()
    page.wait_for_url(f"**/klas/{family.group5.uuid}/#pupil-{family.sanne.uuid}")
    assert "Er is een nieuwe link gestuurd" in page.locator(".messages").inner_text()
    link = last_link(PARENT)
    assert link != first

    parent_page = page.context.browser.new_context(base_url=live_server.url, locale="nl-NL").new_page()
    parent_page.goto(link.replace(settings.BASE_URL, live_server.url))
    parent_page.get_by_label("Nieuw wachtwoord", exact=True).fill(PARENT_PASSWORD)
    parent_page.get_by_label("Herhaal het nieuwe wachtwoord").fill(PARENT_PASSWORD)
    parent_page.get_by_role("button", name="Wachtwoord opslaan").click()
    parent_page.wait_for_url("**/thuis/?email=*")
    parent_page.context.close()

    page.reload()
    assert row.locator(".home-state").inner_text() == "Ja/Ja"
    assert row.get_by_role("button", name=f"Stuur opnieuw een link naar {PARENT}").count() == 0
    only_our_server(log, live_server)
