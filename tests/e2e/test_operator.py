"""The operator console in Chromium: an operator signs in with two factors, imports the register,
approves a school's request (the coordinator activates), merges two schools and splits one with the
partner's pseudonyms unchanged, posts a notice that the pupil shortcut shows, and finds a help
article by keyword."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import Principal
from klaspoort.federation.disclosure import disclose
from klaspoort.federation.models import Disclosure, PartnerApp
from klaspoort.helpcentre.actions import do_save_article
from klaspoort.helpcentre.models import Category
from klaspoort.operator.models import AccountRequest
from klaspoort.registry.duo_sample import SampleLocation, sample_register
from klaspoort.registry.models import RegisterLocation, SchoolLocation
from klaspoort.roster.models import Pupil
from tests.accounts.conftest import PASSWORD
from tests.e2e.conftest import browser_page, crawl
from tests.federation.factories import make_app, tick
from tests.operator.conftest import OPERATOR_EMAIL, make_operator
from tests.operator.pdfs import pdf
from tests.roster import factories
from tests.twofactor.conftest import code_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, platform: Any, settings: Any, tmp_path: Path) -> Iterator[Any]:
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    yield from browser_page(browser, platform.url)


@pytest.fixture
def operator(db: None) -> Account:
    return make_operator()


def sign_in(page: Any, operator: Account) -> None:
    page.goto("/beheer/login/")
    page.locator("input[name=email]").fill(OPERATOR_EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie")).to_be_visible()
    page.locator("input[name=code]").fill(code_at(operator, time.time()))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Beheer van klaspoort")).to_be_visible()


def test_operator_imports_the_register_and_approves_a_request_the_coordinator_activates(
    page: Any, operator: Account, tmp_path: Path
) -> None:
    sign_in(page, operator)
    register = tmp_path / "vestigingen.csv"
    register.write_bytes(
        sample_register([SampleLocation("12AB00", "Openbare Basisschool De Eekhoorn", board="41234")])
    )
    page.goto("/beheer/register/")
    page.locator("input[name=file]").set_input_files(str(register))
    page.get_by_role("button", name="Inlezen").click()
    expect(page.locator("body")).to_contain_text("vestigingen.csv")
    assert RegisterLocation.objects.filter(brin="12AB", location_code="00").exists()

    request_page = page.context.new_page()
    request_page.goto("/aanvraag/")
    fields = {
        "board_number": "41234", "board_name": "Stichting Primair Utrecht", "school_name": "De Eekhoorn",
        "school_code": "12AB00", "director_name": "Dirk Bestuur", "director_email": "dirk@stichting.example",
        "admin_first_name": "Ilse", "admin_surname": "Berg", "admin_email": "ilse@eekhoorn.example",
    }  # fmt: skip
    for name, value in fields.items():
        request_page.locator(f"input[name={name}]").fill(value)
    signed = tmp_path / "aanvraag.pdf"
    signed.write_bytes(pdf(2))
    request_page.locator("input[name=signed_request]").set_input_files(str(signed))
    request_page.get_by_role("button", name="Aanvraag versturen").click()
    expect(request_page.locator("body")).not_to_contain_text("Aanvraag versturen")
    request = AccountRequest.objects.get()

    page.goto(f"/beheer/aanvragen/{request.pk}/")
    page.get_by_role("button", name="Goedkeuren: school en ICT-coördinator aanmaken").click()
    expect(page.locator("body")).to_contain_text("Openbare Basisschool De Eekhoorn")
    school = SchoolLocation.objects.get(brin="12AB", location_code="00")
    assert school.name == "Openbare Basisschool De Eekhoorn"

    for _wait in range(50):  # the activation mail leaves after the commit
        if mail.outbox:
            break
        time.sleep(0.1)
    [message] = [m for m in mail.outbox if m.to == ["ilse@eekhoorn.example"]]
    link = re.search(r"https?://\S+/activate/\S+/", message.body)
    assert link is not None
    coordinator = page.context.browser.new_context(locale="nl-NL").new_page()
    coordinator.goto(link.group(0))
    coordinator.locator("input[name=password1]").fill("Kastanje-boom-2026")
    coordinator.locator("input[name=password2]").fill("Kastanje-boom-2026")
    coordinator.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(coordinator.locator("input[name=password1]")).to_have_count(0)
    assert Account.objects.get(email="ilse@eekhoorn.example").is_active
    coordinator.context.close()


def _subs(people: list[tuple[Pupil, SchoolLocation]], app: PartnerApp) -> list[str]:
    return [
        disclose(
            Principal(kind="pupil", person=pupil.uuid, school=school.instelling_ref),
            app,
            purpose=Disclosure.Purpose.OIDC,
        ).sub
        for pupil, school in people
    ]


def test_operator_merges_two_schools_and_splits_one_with_pseudonyms_unchanged(
    page: Any, operator: Account
) -> None:
    app, _secret = make_app()
    north, south = factories.school("12AB00", "De Regenboog"), factories.school("12AB01", "De Zonnebloem")
    zoe = factories.pupil(factories.group(north, "Groep 5", year_group="5"), "Zoë")
    daan = factories.pupil(factories.group(south, "Groep 6", year_group="6"), "Daan")
    for school in (north, south):
        tick(school, app.partner)
    before = _subs([(zoe, north), (daan, south)], app)

    sign_in(page, operator)
    page.goto("/beheer/herindeling/")
    page.get_by_role("link", name="Scholen samenvoegen").click()
    page.locator("textarea[name=sources]").fill("12AB00\n12AB01")
    page.locator("input[name=code]").fill("12AB02")
    page.locator("input[name=name]").fill("Het Kompas")
    page.locator("input[name=effective_on]").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.locator("table.preview")).to_contain_text("Groep 5, Groep 6")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("body")).to_contain_text("De herindeling is uitgevoerd.")
    merged = SchoolLocation.objects.get(brin="12AB", location_code="02")
    assert _subs([(zoe, merged), (daan, merged)], app) == before

    page.get_by_role("link", name="Een school splitsen").click()
    values = {"school": "12AB02", "code_1": "12AB05", "name_1": "Onderbouw", "code_2": "12AB06",
              "name_2": "Bovenbouw"}  # fmt: skip
    for name, value in values.items():
        page.locator(f"input[name={name}]").fill(value)
    page.locator("input[name=effective_on]").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.locator(".refused")).to_contain_text("Deze groepen gaan nergens heen")
    page.get_by_label("Groep 5").select_option("1")
    page.get_by_label("Groep 6").select_option("2")
    page.get_by_role("button", name="Voorbeeld tonen").click()
    expect(page.locator("table.preview")).to_contain_text("12AB05 Onderbouw")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("body")).to_contain_text("De herindeling is uitgevoerd.")
    low = SchoolLocation.objects.get(brin="12AB", location_code="05")
    high = SchoolLocation.objects.get(brin="12AB", location_code="06")
    assert _subs([(zoe, low), (daan, high)], app) == before

    page.goto(f"/s/{merged.instelling_ref}/")
    expect(page.get_by_role("heading", name="Je school heeft een nieuwe link")).to_be_visible()
    page.get_by_role("link", name="Onderbouw").click()
    expect(page.locator("body")).to_contain_text("Groep 5")


def test_operator_posts_a_notice_the_shortcut_shows_and_finds_a_help_article(
    page: Any, operator: Account, platform: Any
) -> None:
    school = factories.school("12AB00", "De Regenboog")
    factories.pupil(factories.group(school, "Groep 5", year_group="5"), "Zoë")
    category, _new = Category.objects.get_or_create(slug="e2e", defaults={"name": "Beheer", "order": 99})
    do_save_article(
        operator, None, category=category, title="Scholen die samengaan", audience="coordinators",
        body_markdown="Bij een fusie van scholen houdt iedereen zijn pseudoniem.", published=True,
    )  # fmt: skip
    sign_in(page, operator)
    page.goto("/beheer/meldingen/")
    moment = timezone.localtime()
    fields = {
        "title_nl": "Onderhoud vanavond", "body_nl": "Klaspoort is vanavond even weg.",
        "title_en": "Maintenance tonight", "body_en": "Klaspoort is away tonight.",
        "starts_at": (moment - dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M"),
        "ends_at": (moment + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=audience]").select_option("everyone")
    page.get_by_role("button", name="Plaatsen").click()
    expect(page.locator("body")).to_contain_text("De melding is geplaatst.")

    pupil = page.context.browser.new_context(base_url=platform.url, locale="nl-NL").new_page()
    pupil.goto(f"/s/{school.instelling_ref}/")
    expect(pupil.locator("body")).to_contain_text("Onderhoud vanavond")
    pupil.context.close()

    page.goto("/hulp/")
    page.locator("input[name=q]").fill("fusie")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".results")).to_contain_text("Scholen die samengaan")


def _console_world(operator: Account) -> dict[str, Any]:
    """A console with something on every list: a school with a coordinator and a partner, a
    register import, a pending request, a notice, a planned merger and a help article."""
    from klaspoort.operator import actions

    school = factories.school("12AB00", "De Regenboog")
    other = factories.school("12AB01", "De Zonnebloem")
    for at in (school, other):
        factories.pupil(factories.group(at, f"Groep 5 {at.code}", year_group="5"), f"Leerling {at.code}")
    factories.staff(school, "ict@example.nl", roles=["ict_coordinator"])
    app, _secret = make_app()
    tick(school, app.partner)
    register = actions.do_import_register(
        operator,
        sample_register([SampleLocation("12AB00", "De Regenboog", board="41234")]),
        file_name="vestigingen.csv",
    )
    request = AccountRequest.objects.create(
        board_number="41234", board_name="Stichting Primair", school_name="De Eekhoorn", school_code="12AB02",
        director_name="Kees Bos", director_email="directie@example.nl", admin_first_name="Iris",
        admin_surname="Jansen", admin_email="iris@example.nl", document="x.pdf", document_sha256="0" * 64,
        document_pages=1,
    )  # fmt: skip
    moment = timezone.now()
    actions.do_post_notice(
        operator, title_nl="Onderhoud", title_en="Maintenance", body_nl="Even weg.", body_en="Away.",
        severity="info", audience="everyone", starts_at=moment, ends_at=moment + dt.timedelta(days=1),
    )  # fmt: skip
    planned = actions.do_merge_schools(
        operator, [school, other], code="12AB03", name="Het Kompas",
        effective_on=timezone.localdate() + dt.timedelta(days=5),
    )  # fmt: skip
    return {"school": school, "request": request, "planned": planned, "register": register}


def test_every_operator_console_page_passes_axe(page: Any, operator: Account) -> None:
    world = _console_world(operator)
    school = world["school"]
    sign_in(page, operator)

    def console_page(href: str) -> str | None:
        path = href.split("?", 1)[0].split("#", 1)[0]
        followed = path.startswith(("/beheer/", "/hulp/")) and "." not in path.rsplit("/", 1)[-1]
        return path if followed else None  # not the documents, nor other sites

    start = ["/beheer/", f"/beheer/scholen/{school.instelling_ref}/sluiten/", "/beheer/herindeling/splitsen/"]
    seen, violations = crawl(page, start, console_page)
    assert {
        "/beheer/", "/beheer/scholen/", f"/beheer/scholen/{school.instelling_ref}/", "/beheer/register/",
        "/beheer/aanvragen/", "/beheer/overeenkomsten/", "/beheer/meldingen/", "/beheer/partners/",
        "/beheer/partners/uitgeverij-noord/", "/beheer/herindeling/", "/beheer/herindeling/samenvoegen/",
        "/beheer/herindeling/splitsen/", "/beheer/hulp/", "/beheer/hulp/nieuw/",
        f"/beheer/aanvragen/{world['request'].pk}/", "/beheer/overeenkomsten/dekking/",
        "/beheer/partners/uitgeverij-noord/verstrekkingen/", "/beheer/partners/nieuw/",
        f"/beheer/herindeling/{world['planned'].pk}/annuleren/", "/beheer/register/handmatig/", "/hulp/",
        f"/beheer/register/import/{world['register'].pk}/", f"/beheer/scholen/{school.instelling_ref}/code/",
    } <= set(seen)  # fmt: skip
    assert {path: status for path, status in seen.items() if status >= 400} == {}
    assert violations == {}  # axe-core on every console page
