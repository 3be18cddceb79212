"""A substitute teacher in Chromium (C14): the coordinator clicks from the group overview to the
group's substitute slot and activates it for one school day; the substitute activates the account
from the mail, signs in, sees that group's overview and the software and nothing else; when the
platform's clock passes the end of the day the substitute is cut off at once (by date), and the job
ends the session. The live server runs in this process, so moving `core.clock` moves its clock."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from klaspoort.accounts.actions import do_set_password
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.jobs import tasks
from klaspoort.roster.models import StaffRole
from klaspoort.substitutes.models import Substitution
from tests.e2e.conftest import axe_violations, browser_page
from tests.e2e.test_console import _no_overflow
from tests.roster import factories
from tests.roster.importing.conftest import set_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEDNESDAY = dt.date(2026, 12, 2)
THURSDAY = dt.date(2026, 12, 3)
COORDINATOR_PASSWORD = "Zonnebloem-42"
SUBSTITUTE_PASSWORD = "Kastanje-boom-2026"
SUBSTITUTE = "sanne.visser@invallers.example"


@pytest.fixture
def page(browser: Any, platform: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    set_today(monkeypatch, WEDNESDAY)
    yield from browser_page(browser, platform.url)


@pytest.fixture
def world(page: Any) -> dict[str, Any]:
    school = factories.school("12AB00", "De Regenboog")
    group = factories.group(school, "Groep 5a")
    other = factories.group(school, "Groep 7b", year_group="7")
    factories.pupil(group, "Daan", "de Boer")
    factories.pupil(other, "Zoë", "Kok")
    coordinator = factories.staff(
        school, "ict@regenboog.example", first_name="Ivo", surname="Smit", roles=(StaffRole.ICT_COORDINATOR,)
    ).staff
    (account,) = ensure_staff_accounts([coordinator]) or [coordinator.account]
    do_set_password(account, COORDINATOR_PASSWORD, actor="test")
    return {"school": school, "group": group, "other": other}


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def mail_to(address: str) -> Any:
    for _wait in range(50):  # the mail leaves after the commit
        found = [message for message in mail.outbox if message.to == [address]]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


def test_a_substitute_is_activated_works_and_is_cut_off_when_the_day_ends(
    page: Any, world: dict[str, Any], browser: Any, platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = world["group"]
    log_in(page, "ict@regenboog.example", COORDINATOR_PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_role("link", name="Mijn groepen").click()
    page.get_by_role("link", name="Groep 5a").click()
    page.get_by_role("link", name="Invaller regelen").click()
    page.wait_for_url(f"**/klas/{group.uuid}/invaller/")
    page.get_by_label("Voornaam").fill("Sanne")
    page.get_by_label("Achternaam").fill("Visser")
    page.get_by_label("E-mailadres").fill(SUBSTITUTE)
    page.get_by_label("Eerste dag").fill("2026-12-02")
    page.get_by_label("Aantal schooldagen").select_option("1")
    page.locator("#activate-button").click()
    expect(page.locator("#current")).to_contain_text(
        "Sanne Visser valt in van woensdag 2 december tot en met woensdag 2 december 2026."
    )
    assert axe_violations(page) == []
    for width in (375, 768, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        assert _no_overflow(page), width
    page.locator("#end-link").click()  # the confirmation page, left without ending
    expect(page.locator("#end-title")).to_contain_text("Sanne Visser nu laten stoppen in Groep 5a?")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nee, laten doorgaan").click()
    page.get_by_role("link", name="Schoolbeheer").click()
    page.get_by_role("link", name="Invallers").first.click()
    expect(page.locator("#slots")).to_contain_text("Sanne Visser")
    assert axe_violations(page) == []

    link = re.search(r"https?://\S+/activate/\S+/", mail_to(SUBSTITUTE).body)
    assert link is not None
    substitute = browser.new_context(base_url=platform.url, locale="nl-NL").new_page()
    substitute.set_default_timeout(15_000)
    substitute.goto(link.group(0))
    substitute.locator("input[name=password1]").fill(SUBSTITUTE_PASSWORD)
    substitute.locator("input[name=password2]").fill(SUBSTITUTE_PASSWORD)
    substitute.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(substitute.locator("input[name=password1]")).to_have_count(0)
    assert Account.objects.get(email=SUBSTITUTE).is_active

    log_in(substitute, SUBSTITUTE, SUBSTITUTE_PASSWORD)
    substitute.wait_for_url("**/portal/")
    expect(substitute.locator("nav, header").first).not_to_contain_text("Schoolbeheer")
    substitute.get_by_role("link", name="Mijn groepen").click()
    expect(substitute.locator("main")).to_contain_text("Groep 5a")
    expect(substitute.locator("main")).not_to_contain_text("Groep 7b")
    substitute.get_by_role("link", name="Groep 5a").click()
    expect(substitute.locator("main")).to_contain_text("Daan de Boer")
    expect(substitute.locator("main")).not_to_contain_text("Invaller regelen")
    assert substitute.goto(f"/klas/{world['other'].uuid}/").status == 403
    assert substitute.goto("/schoolbeheer/").status == 403
    assert substitute.goto(f"/klas/{group.uuid}/invaller/").status == 403

    set_today(monkeypatch, THURSDAY)  # the clock passes the end of the last day
    response = substitute.goto("/klas/")
    assert response.status == 403  # cut off at once, by date: no job has run
    expect(substitute.locator("main")).to_contain_text("Je hebt (nu) geen toegang tot deze school.")
    assert substitute.goto(f"/klas/{group.uuid}/").status == 403

    assert AccountSession.objects.filter(account__email=SUBSTITUTE).count() == 1
    tasks.end_substitutions()  # the job: the session ends, the history says how
    assert AccountSession.objects.filter(account__email=SUBSTITUTE).count() == 0
    substitute.goto("/klas/")
    substitute.wait_for_url("**/login/**")
    log_in(substitute, SUBSTITUTE, SUBSTITUTE_PASSWORD)
    expect(substitute.locator("main")).to_contain_text("niet (meer) aan een school gekoppeld")
    assert Substitution.objects.get().ending == Substitution.Ending.EXPIRED

    page.goto(f"/klas/{group.uuid}/invaller/")
    expect(page.locator("#history")).to_contain_text("na de laatste dag")
    expect(page.locator("#current")).to_contain_text("Deze groep heeft nu geen invaller.")
    substitute.context.close()
