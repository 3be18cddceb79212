"""Browser tests (Playwright + Debian Chromium): a PIN pupil and a picture-password pupil log in
through the school shortcut end to end; a teacher reveals a code in the group overview."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.core.actors import SystemActor
from klaspoort.roster.models import StaffMembership
from tests.accounts.conftest import PASSWORD, MakeStaff, RequestLog
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_room() -> roster.Classroom:
    room = roster.classroom(names=("Anna", "Bram"))
    credentials = roster.credentials(room.group)
    do_new_code(
        credentials["Anna"],
        actor=SystemActor("t"),
        school_ref=room.school.instelling_ref,
        kind=CodeKind.PIN,
        code="4821",
    )
    young = factories.group(room.school, "Groep 2", year_group="2")
    factories.pupil(young, "Eva")
    eva = roster.credentials(young)["Eva"]
    do_new_code(
        eva,
        actor=SystemActor("t"),
        school_ref=room.school.instelling_ref,
        kind=CodeKind.PICTURES,
        code="ster,maan",
    )
    return room


def only_our_server(log: RequestLog, live_server: Any) -> None:
    assert log.hosts() == {live_server.url.removeprefix("http://")}


def test_pin_pupil_logs_in_with_the_keypad(
    browser_page: tuple[Any, RequestLog], school_room: roster.Classroom, live_server: Any
) -> None:
    page, log = browser_page
    page.goto(f"/s/{school_room.school.instelling_ref}/")
    assert page.locator("h1").inner_text() == "De Regenboog"
    page.get_by_role("link", name="Groep 5").click()
    page.get_by_role("link", name="Anna").click()
    assert page.locator("h1").inner_text() == "Hoi Anna!"
    pin = page.get_by_label("Typ je pincode")
    assert (pin.get_attribute("inputmode"), pin.get_attribute("autocomplete"), pin.get_attribute("type")) == (
        "numeric",
        "off",
        "text",
    )

    for digit in "0472":  # wrong: the form sends itself after the fourth digit
        page.get_by_role("button", name=digit, exact=True).click()
    page.wait_for_selector("#code-message")
    assert page.locator("#code-message").inner_text().startswith("Dat is niet goed")

    for digit in "4821":
        page.get_by_role("button", name=digit, exact=True).click()
    page.wait_for_url("**/portal/")  # the landing page after every login
    page.goto("/leerling/")
    assert page.locator("h1").inner_text() == "Welkom, Anna!"
    assert "Je zit in Groep 5 van De Regenboog." in page.locator("main").inner_text()

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"**/s/{school_room.school.instelling_ref}/")
    assert page.get_by_role("link", name="Groep 2").is_visible()
    only_our_server(log, live_server)


def test_picture_password_pupil_taps_two_pictures(
    browser_page: tuple[Any, RequestLog], school_room: roster.Classroom, live_server: Any
) -> None:
    page, log = browser_page
    page.goto(f"/s/{school_room.school.instelling_ref}/")
    page.get_by_role("link", name="Groep 2").click()
    page.get_by_role("link", name="Eva").click()
    assert page.locator(".picture-choice").count() == 9

    page.get_by_role("button", name="maan").click()
    assert page.locator(".slot svg").count() == 1
    page.get_by_role("button", name="Opnieuw kiezen").click()
    assert page.locator(".slot svg").count() == 0

    page.get_by_role("button", name="ster").click()
    page.get_by_role("button", name="maan").click()
    page.wait_for_url("**/portal/")
    page.goto("/leerling/")
    assert page.locator("h1").inner_text() == "Welkom, Eva!"
    only_our_server(log, live_server)


def test_keypad_waits_after_three_mistakes(
    browser_page: tuple[Any, RequestLog], school_room: roster.Classroom
) -> None:
    page, _log = browser_page
    page.goto(f"/s/{school_room.school.instelling_ref}/")
    page.get_by_role("link", name="Groep 5").click()
    page.get_by_role("link", name="Anna").click()
    for _ in range(3):
        page.get_by_label("Typ je pincode").fill("0472")
        page.wait_for_selector("#code-message")
    assert page.get_by_role("button", name="1", exact=True).is_disabled()
    # The page's policy forbids evaluating strings, so wait through Playwright's own assertion.
    expect(page.get_by_role("button", name="1", exact=True)).to_be_enabled(timeout=5000)
    for digit in "4821":
        page.get_by_role("button", name=digit, exact=True).click()
    page.wait_for_url("**/portal/")


def test_teacher_reveals_a_code_in_the_group_overview(
    browser_page: tuple[Any, RequestLog],
    school_room: roster.Classroom,
    make_staff: MakeStaff,
    live_server: Any,
) -> None:
    page, log = browser_page
    teacher = make_staff(school_room.school, "juf@school.example")
    StaffMembership.objects.create(placement=teacher, group=school_room.group)
    page.goto("/klas/")
    page.get_by_label("E-mailadres").fill("juf@school.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/klas/")
    page.get_by_role("link", name="Groep 5").click()
    assert "4821" not in page.content()
    page.get_by_role("button", name="Toon code van Anna").click()
    page.wait_for_selector(".pin-code")
    assert page.locator(".pin-code").inner_text() == "4821"
    assert page.url.endswith(f"/klas/{school_room.group.uuid}/")  # shown in place, no page change
    only_our_server(log, live_server)
