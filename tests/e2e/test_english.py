"""In Chromium: a visitor switches to English on the pupil shortcut and no Dutch text is left on the
pupil pages, the staff login, the two-factor sign-in, the portal, the group list and the group
overview. "Dutch" is every text of every catalogue (its msgid) that reads differently in English."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from functools import cache
from typing import Any

import polib
import pyotp
import pytest

from klaspoort.accounts.actions import do_set_password
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.core.actors import SystemActor
from klaspoort.core.i18n.catalogues import PACKAGE_DIR
from klaspoort.core.i18n.compile import catalogue_files
from klaspoort.roster.models import StaffRole
from klaspoort.twofactor import actions as twofactor
from klaspoort.twofactor import crypto
from klaspoort.twofactor.models import TotpDevice
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zonnebloem-42"
PIN = "4821"
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd]|\{[^}]*\}")
# What a page shows that is data, not text of ours: names of the school, group and people.
DATA = ("Demoschool De Klaproos", "Groep 5a", "Sanne", "de Vries", "Jan Jansen", "Jan", "Jansen")


@cache
def dutch_fragments() -> tuple[re.Pattern[str], ...]:
    """Whole-word patterns for each Dutch text (split at its placeholders) whose English differs."""
    fragments: set[str] = set()
    for po in catalogue_files(PACKAGE_DIR):
        for entry in polib.pofile(str(po)):
            english = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
            for source in filter(None, (entry.msgid, entry.msgid_plural)):
                for piece in PLACEHOLDER.split(source):
                    piece = " ".join(piece.split()).strip(" .,:;!?()'\"\u2013-\u00b7")
                    if len(piece) >= 3 and re.search(r"[^\W\d_]", piece) and piece not in english:
                        fragments.add(piece)
    return tuple(re.compile(rf"(?<![\w-]){re.escape(piece)}(?![\w-])") for piece in sorted(fragments))


def shown_text(page: Any) -> str:
    """What a person reads or hears: the visible text, the title and the labels of the page."""
    text = page.evaluate(
        """() => [document.title, document.body.innerText,
            ...[...document.querySelectorAll('[aria-label],[title],[alt],[placeholder]')].flatMap(
                e => ['aria-label', 'title', 'alt', 'placeholder'].map(a => e.getAttribute(a) || ''))
           ].join('\\n')"""
    )
    for data in DATA:
        text = text.replace(data, " ")
    return text


def dutch_in(page: Any) -> list[str]:
    text = shown_text(page)
    return sorted({match.group(0) for pattern in dutch_fragments() for match in pattern.finditer(text)})


def dutch_left(page: Any) -> list[str]:
    assert page.locator("html").get_attribute("lang") == "en", page.url
    return dutch_in(page)


@pytest.fixture
def world(platform: Any) -> dict[str, Any]:
    school = factories.school("99DM00", "Demoschool De Klaproos")
    group = factories.group(school, "Groep 5a")
    factories.pupil(group, "Sanne", "de Vries")
    credential = roster.credentials(group)["Sanne"]
    do_new_code(
        credential, actor=SystemActor("test"), school_ref=school.instelling_ref, kind=CodeKind.PIN, code=PIN
    )
    coordinator = factories.staff(
        school,
        "jan@klaproos.example",
        roles=(StaffRole.TEACHER, StaffRole.ICT_COORDINATOR),
        groups=(group,),
        first_name="Jan",
        surname="Jansen",
    )
    (account,) = ensure_staff_accounts([coordinator.staff]) or [coordinator.staff.account]
    do_set_password(account, PASSWORD, actor="test")
    twofactor.enrolment_for(account)
    at = (int(time.time()) // twofactor.STEP_SECONDS - 2) * twofactor.STEP_SECONDS + 1.0
    secret = crypto.unseal(TotpDevice.objects.get(account=account).secret)
    assert twofactor.do_confirm_enrolment(account, pyotp.TOTP(secret).at(int(at)), at=at) is not None
    return {"school": school, "group": group, "account": account, "secret": secret}


@pytest.fixture
def page(browser: Any, platform: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=platform.url, locale="nl-NL")  # the browser asks for Dutch
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_after_choosing_english_no_dutch_is_left(page: Any, world: dict[str, Any]) -> None:
    assert len(dutch_fragments()) > 500
    page.goto(f"/s/{world['school'].instelling_ref}/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert {"Kies je groep", "Naar de inhoud"} <= set(dutch_in(page))  # the comparison finds Dutch

    page.get_by_role("button", name="English").click()  # the switch on the pupil shortcut
    page.wait_for_load_state()
    assert page.url.endswith(f"/s/{world['school'].instelling_ref}/")  # back on the same page
    assert dutch_left(page) == []
    assert "Choose your group" in shown_text(page)
    page.get_by_role("link", name="Groep 5a").click()
    page.wait_for_url("**/s/*/*/")
    assert dutch_left(page) == []
    page.get_by_role("link", name="Sanne").click()
    page.wait_for_url("**/s/*/*/*/")
    assert dutch_left(page) == []

    page.goto("/login/")  # a teacher on the same device: the choice sticks (cookie)
    assert dutch_left(page) == []
    page.get_by_label("Email address").fill("jan@klaproos.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/code/")  # two-factor sign-in
    assert dutch_left(page) == []
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(world["secret"]).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/portal/")  # the staff portal
    assert dutch_left(page) == []

    page.goto("/klas/")
    assert dutch_left(page) == []
    page.get_by_role("link", name="Groep 5a").click()  # the group overview
    page.wait_for_url("**/klas/*/")
    assert dutch_left(page) == []
    assert "The login code only appears when you click 'Show code'" in shown_text(page)
    world["account"].refresh_from_db()
    assert world["account"].language == "en"  # signed in in English: mails follow
