"""The school console in Chromium with both demo publishers running: a coordinator switches a
publisher off and on and the teacher's tiles go and come; the licence overview asks the demo
publishers; every link file downloads; a crawl from the portal reaches every staff page, none wider
than the screen at 375, 768 and 1024 px."""

from __future__ import annotations

import datetime as dt
import json
import plistlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from klaspoort.accounts.actions import do_set_password
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.core import clock
from klaspoort.federation.models import Consent
from klaspoort.roster.models import ImportRun, StaffPlacement, StaffRole
from klaspoort.substitutes.actions import do_activate_substitute
from klaspoort.substitutes.days import is_school_day
from tests.e2e.conftest import DemoPublisher, crawl, register_both
from tests.roster import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zonnebloem-42"


@pytest.fixture
def page(browser: Any, platform: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=platform.url, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def console_world(platform: Any, demo_publishers: dict[str, DemoPublisher]) -> dict[str, Any]:
    school = factories.school("99DM00", "Demoschool De Klaproos")
    group = factories.group(school, "Groep 5a")
    factories.pupil(group, "Sanne", "de Vries")
    coordinator = factories.staff(
        school, "ict@klaproos.example", groups=(group,), first_name="Ivo", surname="Smit",
        roles=(StaffRole.TEACHER, StaffRole.ICT_COORDINATOR),
    ).staff  # fmt: skip
    (account,) = ensure_staff_accounts([coordinator]) or [coordinator.account]
    do_set_password(account, PASSWORD, actor="test")
    register_both(demo_publishers, school)
    return {"school": school, "group": group, "coordinator": coordinator}


def log_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill("ict@klaproos.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/")


def tile_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator(".tile .tile-name").all_inner_texts()]


def settled_tile_names(page: Any) -> list[str]:
    """The tiles once every publisher answered: on a loaded machine a demo publisher's first answer
    (it fetches our JWKS first) can miss the timeout, and the page then says so; look again."""
    for _attempt in range(5):
        if page.locator("#unavailable").count() == 0:
            break
        page.reload()
    return tile_names(page)


def test_switching_a_publisher_off_and_on_takes_its_tiles_away_and_back(
    page: Any, console_world: dict[str, Any]
) -> None:
    log_in(page)
    assert "Taalzee voor de leerkracht" in settled_tile_names(page)
    page.get_by_role("link", name="Schoolbeheer").click()
    page.get_by_role("link", name="Koppelingen").first.click()
    card = page.locator("#partner-demo-taalzee")
    card.get_by_label("Uitgeverij Taalzee (demo) mag gegevens van de school ontvangen").uncheck()
    card.get_by_role("button", name="Opslaan").click()
    assert "verdwijnt de software van deze partner meteen" in page.locator("#withdraw").inner_text()
    page.get_by_role("button", name="Ja, uitzetten").click()
    assert "staat uit" in page.locator("#partner-demo-taalzee").inner_text()
    page.get_by_role("link", name="Software").click()
    assert settled_tile_names(page) == ["Rekenrijk voor de leerkracht"]
    page.get_by_role("link", name="Schoolbeheer").click()
    page.get_by_role("link", name="Koppelingen").first.click()
    card = page.locator("#partner-demo-taalzee")
    card.get_by_label("Uitgeverij Taalzee (demo) mag gegevens van de school ontvangen").check()
    card.get_by_role("button", name="Opslaan").click()
    assert "staat aan" in page.locator("#partner-demo-taalzee").inner_text()
    with page.expect_download() as receipt:
        page.locator("#history a").first.click()
    assert json.loads(Path(receipt.value.path()).read_bytes())["action"] == "grant"
    page.get_by_role("link", name="Software").click()
    assert tile_names(page) == [
        "Rekenrijk voor de leerkracht",
        "Taalzee voor de leerkracht",
        "Taalzee woordenboek",
    ]
    assert Consent.objects.get(partner__slug="demo-taalzee").active is True


def test_the_licence_overview_shows_what_the_demo_publishers_answer(
    page: Any, console_world: dict[str, Any]
) -> None:
    log_in(page)
    settled_tile_names(page)
    page.goto("/schoolbeheer/licenties/")
    rekenrijk = page.locator("#licences-rekenrijk")
    assert "Rekenrijk oefenen" in rekenrijk.inner_text()
    assert "Groep 5a" in rekenrijk.inner_text()
    assert page.locator(".no-answer").count() == 0


def test_every_link_file_downloads_and_parses(page: Any, console_world: dict[str, Any]) -> None:
    log_in(page)
    page.get_by_role("link", name="Schoolbeheer").click()
    page.get_by_role("link", name="Links en apparaten").first.click()
    pupil_link = page.locator("#url-pupils").inner_text()
    assert pupil_link.endswith(f"/s/{console_world['school'].instelling_ref}/")
    staff_link = page.locator("#url-staff").inner_text()
    assert staff_link.endswith("/login/")
    names = []
    for key, url in (("pupils", pupil_link), ("staff", staff_link)):
        for link in page.locator(f"#link-{key} .downloads a").all():
            with page.expect_download() as download:
                link.click()
            body = Path(download.value.path()).read_bytes()
            name = download.value.suggested_filename
            names.append(name)
            if name.endswith(".url"):
                assert f"URL={url}" in body.decode()
            elif name.endswith(".json"):
                assert json.loads(body)[1]["url"] == url
            elif name.endswith(".mobileconfig"):
                assert plistlib.loads(body)["PayloadContent"][0]["URL"] == url
            else:
                assert plistlib.loads(body)["URL"] == url
    assert names == [
        f"klaspoort-demoschool-de-klaproos-{which}.{kind}"
        for which in ("leerlingen", "medewerkers")
        for kind in ("url", "webloc", "mobileconfig", "json")
    ]


def _no_overflow(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


STAFF_NAMESPACES = ("classroom:", "schooladmin:", "substitutes:")
STAFF_PAGES_ELSEWHERE = {
    "portal:tiles",
    "accounts:start",
    "accounts:profile",
    "accounts:school_staff",
    "twofactor:manage",
    "laslink:link",
}
NOT_CRAWLED = {  # no page to click to: files, forms' targets, the agent's API
    "schooladmin:consent_receipt": "a file (downloaded in the switch test)",
    "schooladmin:link_file": "files (downloaded in the link-file test)",
    "schooladmin:roster_template": "a file",
    "schooladmin:roster_download": "a file",
    "schooladmin:roster_start": "the start-day form's target (POST)",
    "schooladmin:roster_preview": "after an upload (POST): tests/e2e/test_rosters.py",
    "schooladmin:agent_report": "the network agent's report (a token, no page)",
    "classroom:reveal": "a form's target (POST: the code is shown, audited)",
    "classroom:new_code": "a form's target, confirmed on its own page (test_login_cards.py)",
    "classroom:picture": "a form's target, confirmed on its own page",
    "classroom:home_resend": "a form's target (POST)",
}


def next_school_day() -> dt.date:
    day = clock.today()
    while not is_school_day(day):
        day += dt.timedelta(days=1)
    return day


def staff_url_names() -> set[str]:
    """Every named staff page of the URL configuration."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}"

    names = {name for name in walk(get_resolver().url_patterns, "") if name.startswith(STAFF_NAMESPACES)}
    return (names | STAFF_PAGES_ELSEWHERE) - set(NOT_CRAWLED)


def test_a_crawl_from_the_portal_reaches_every_staff_page_none_too_wide(
    page: Any, console_world: dict[str, Any], platform: Any
) -> None:
    group = console_world["group"]
    substitution = do_activate_substitute(
        group, by=StaffPlacement.objects.get(staff=console_world["coordinator"]), first_name="Sanne", surname="Visser", email="invaller@mail.example",
        first_day=next_school_day(), school_days=1, actor="test",
    )  # fmt: skip
    ImportRun.objects.create(
        school=console_world["school"], source=ImportRun.Source.UPLOAD, status=ImportRun.Status.REJECTED,
        file_name="EDEX.XML", file_sha256="0" * 64, started_at=timezone.now(),
        errors=[{"line": 3, "message": "Dit bestand is van een andere school."}],
    )  # fmt: skip
    log_in(page)
    host = urlsplit(platform.url).netloc

    def staff_page(href: str) -> str | None:
        parts = urlsplit(href)
        if (parts.netloc and parts.netloc != host) or not parts.path.startswith("/"):
            return None
        if (
            parts.path.startswith(("/launch/", "/static/", "/s/", "/logout"))
            or "." in parts.path.rsplit("/", 1)[-1]
        ):
            return None  # software, files, the pupils' pages and logging out are not staff pages
        return parts.path

    seen, violations = crawl(page, ["/portal/"], staff_page)
    reached = set(seen)
    reached_names = {resolve(path).view_name for path in reached}
    assert staff_url_names() - reached_names == set()  # every staff page, by clicking
    assert {
        "/portal/", "/klas/", f"/klas/{console_world['group'].uuid}/", "/schoolbeheer/", "/school/staff/",
        "/schoolbeheer/koppelingen/", "/schoolbeheer/licenties/", "/schoolbeheer/links/",
        "/schoolbeheer/links/apparaten/", "/schoolbeheer/netwerk/", "/schoolbeheer/leerlinggegevens/",
        "/profile/", "/profile/two-factor/", "/start/", "/schoolbeheer/invallers/",
        f"/klas/{console_world['group'].uuid}/invaller/", f"/klas/{group.uuid}/kaarten/",
        f"/klas/{group.uuid}/invaller/{substitution.uuid}/stoppen/", "/schoolbeheer/koppeling/",
    } <= reached  # fmt: skip
    assert {path: status for path, status in seen.items() if status >= 400} == {}
    assert violations == {}  # axe-core on every staff page
    for width in (375, 768, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        too_wide = [path for path in sorted(reached) if page.goto(path) and not _no_overflow(page)]
        assert too_wide == [], width
