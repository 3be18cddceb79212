"""Login cards in Chromium: a teacher clicks from the group overview to the cards page, prints the
group's cards (A4, ten a sheet, checked in a real PDF) and a pupil opens the QR code's address on
another device, taps their own picture and reaches the pupil portal; a new card makes the old one
useless. axe-core (axe-playwright-python) finds no violations on the new pages, and none of them is
wider than the screen at 375, 768 and 1024 px."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from klaspoort.accounts.actions import do_set_password
from klaspoort.accounts.pupils import login_cards
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.audit.models import AuditEvent
from tests.roster import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zonnebloem-42"
TEACHER = "juf@klaproos.example"
WIDTHS = (375, 768, 1024)
OTHERS = ("Daan", "Emma", "Finn", "Lotte", "Milan", "Noor", "Sem", "Tess", "Yara")


@pytest.fixture
def cards_world(platform: Any) -> dict[str, Any]:
    school = factories.school("99DM00", "Demoschool De Klaproos")
    group = factories.group(school, "Groep 5a")
    pupils = {name: factories.pupil(group, name, "Jansen") for name in OTHERS}
    pupils["Sanne de Vries"] = factories.pupil(group, "Sanne", "de Vries")
    pupils["Sanne Bakker"] = factories.pupil(group, "Sanne", "Bakker")
    teacher = factories.staff(school, TEACHER, groups=(group,), first_name="Ineke", surname="Smit").staff
    (account,) = ensure_staff_accounts([teacher]) or [teacher.account]
    do_set_password(account, PASSWORD, actor="test")
    return {"school": school, "group": group, "pupils": pupils}


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """slug -> the address each printed QR code holds (recorded where the card is made)."""
    made: dict[str, str] = {}
    real = login_cards.card_url

    def record(school_ref: Any, slug: str, secret: str) -> str:
        made[slug] = real(school_ref, slug, secret)
        return made[slug]

    monkeypatch.setattr(login_cards, "card_url", record)
    return made


def new_device(browser: Any, platform: Any) -> Any:
    """A browser of its own (cookies and all), Dutch, on the live server."""
    page = browser.new_context(base_url=platform.url, locale="nl-NL").new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def teacher_page(browser: Any, platform: Any) -> Iterator[Any]:
    page = new_device(browser, platform)
    yield page
    page.context.close()


@pytest.fixture
def pupil_page(browser: Any, platform: Any) -> Iterator[Any]:
    """Another device: a school iPad that scans the card."""
    page = new_device(browser, platform)
    yield page
    page.context.close()


def axe_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # it really ran
    return [f"{v['id']}: {[node['target'] for node in v['nodes']]}" for v in results.response["violations"]]


def too_wide_at(page: Any) -> list[int]:
    """The widths at which the page now shown scrolls sideways (no reload: the sheet is a POST)."""
    wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            wide.append(width)
    page.set_viewport_size({"width": 1280, "height": 900})
    return wide


def log_in_teacher(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill(TEACHER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/")


def slug_of(world: dict[str, Any], name: str) -> str:
    return PupilCredential.objects.get(pupil=world["pupils"][name]).slug


def test_a_teacher_prints_cards_and_a_pupil_signs_in_with_one(
    teacher_page: Any, pupil_page: Any, cards_world: dict[str, Any], printed: dict[str, str], platform: Any
) -> None:
    page = teacher_page
    log_in_teacher(page)
    page.get_by_role("link", name="Mijn groepen").click()
    page.get_by_role("link", name="Groep 5a").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Inlogkaarten afdrukken").click()
    expect(page.get_by_role("heading", name="Inlogkaarten voor Groep 5a")).to_be_visible()
    assert axe_violations(page) == []
    assert too_wide_at(page) == []

    page.get_by_role("button", name="Kaarten maken voor alle 11 leerlingen").click()
    expect(page.locator(".login-card")).to_have_count(11)
    names = page.locator(".card-name").all_inner_texts()
    assert names == [*OTHERS[:6], "Sanne Bakker", "Sanne de Vries", "Sem", "Tess", "Yara"]
    assert axe_violations(page) == []
    assert too_wide_at(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 2  # ten cards on the first sheet, one on the second
    box = pdf.pages[0].mediabox
    assert (int(box.width), int(box.height)) == (595, 842)  # A4 in points
    first_sheet = " ".join(pdf.pages[0].extract_text().split())
    assert [name for name in names if name in first_sheet] == names[:10]
    assert "Yara" in pdf.pages[1].extract_text()
    page.emulate_media(media="screen")

    daan = printed[slug_of(cards_world, "Daan")]
    assert daan.startswith(
        f"{platform.url}/s/{cards_world['school'].instelling_ref}/kaart/{slug_of(cards_world, 'Daan')}/"
    )
    pupil_page.goto(daan)  # what the school iPad's camera opens
    expect(pupil_page.get_by_role("heading", name="Hoi Daan!")).to_be_visible()
    assert axe_violations(pupil_page) == []
    assert too_wide_at(pupil_page) == []
    picture = PupilCredential.objects.get(pupil=cards_world["pupils"]["Daan"]).picture
    pupil_page.locator(f'button[data-picture="{picture}"]').click()
    pupil_page.wait_for_url("**/portal/")
    expect(pupil_page.locator(".me-name")).to_have_text("Daan")
    expect(pupil_page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert AuditEvent.objects.filter(action="pupil.login", outcome="ok", data__method="card").count() == 1

    # Daan lost the card: the teacher makes a new one for Daan only, and the old one signs nobody in.
    page.get_by_role("link", name="Terug naar de groep").click()
    page.get_by_role("link", name="Inlogkaarten afdrukken").click()
    page.get_by_role("button", name="Nieuwe kaart maken voor Daan").click()
    expect(page.locator(".login-card")).to_have_count(1)
    pupil_page.get_by_role("button", name="Uitloggen").click()
    pupil_page.goto(daan)
    expect(pupil_page.get_by_role("heading", name="Deze inlogkaart werkt niet (meer)")).to_be_visible()
    expect(pupil_page.locator("button[data-picture]")).to_have_count(0)
    refused = AuditEvent.objects.filter(action="pupil.login", outcome="failed").get()
    assert (refused.subject, refused.data["reason"]) == (
        f"pupil:{cards_world['pupils']['Daan'].uuid}",
        "revoked",
    )
    pupil_page.goto(printed[slug_of(cards_world, "Daan")])
    expect(pupil_page.get_by_role("heading", name="Hoi Daan!")).to_be_visible()


def test_a_new_code_is_confirmed_on_its_own_page(teacher_page: Any, cards_world: dict[str, Any]) -> None:
    page = teacher_page
    log_in_teacher(page)
    page.goto(f"/klas/{cards_world['group'].uuid}/")
    before = PupilCredential.objects.get(pupil=cards_world["pupils"]["Daan"]).secret
    page.locator(f"#pupil-{cards_world['pupils']['Daan'].uuid}").get_by_role(
        "button", name="Nieuwe code"
    ).click()
    expect(page.get_by_role("heading", name="Nieuwe code voor Daan Jansen?")).to_be_visible()
    assert axe_violations(page) == []
    assert too_wide_at(page) == []
    assert PupilCredential.objects.get(pupil=cards_world["pupils"]["Daan"]).secret == before
    page.get_by_role("button", name="Ja, nieuwe code maken").click()
    expect(page.get_by_text("Daan heeft een nieuwe pincode.")).to_be_visible()
    assert PupilCredential.objects.get(pupil=cards_world["pupils"]["Daan"]).secret != before
