"""The coordinator's roster pages in Chromium: upload an EDEXML file and a CSV file, read the
preview, apply, open the history; and a school walked through the school-year switch by moving the
platform's clock (the live server runs in this process, so `core.clock` is the server's clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from klaspoort.accounts.principal import Principal
from klaspoort.roster.importing.switch import do_switch_school_years
from klaspoort.roster.models import ImportRun, Pupil, StaffMember, StaffRole
from tests.e2e.conftest import session_cookie
from tests.roster import factories
from tests.roster.importing.conftest import set_today
from tests.roster.importing.documents import as_bytes, roster
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "soort;key;naam;jaargroep;roepnaam;voorvoegsel;achternaam;groep;samengestelde_groepen;emailadres;schooljaar;brincode;dependancecode\r\n"
    "school;;;;;;;;;;2026-2027;12AB;00\r\n"
    "groep;G5;5A;5;;;;;;;;;\r\n"
    "leerling;L1;;;Zoë;;Çelik;G5;;;;;\r\n"
    "leerkracht;T1;;;Marieke;;Jansen;G5;;marieke.jansen@regenboog.nl;;;\r\n"
)


@pytest.fixture
def page(browser: Any, platform: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    context = browser.new_context(base_url=platform.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def coordinator(page: Any) -> Any:
    school = factories.school("12AB00", "De Regenboog")
    placement = factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    principal = Principal(kind="staff", person=placement.staff.uuid, school=school.instelling_ref)
    page.context.add_cookies([session_cookie(principal, settings.BASE_URL)])
    return school


def upload(page: Any, path: Path) -> None:
    page.goto("/schoolbeheer/leerlinggegevens/")
    page.get_by_label("Bestand", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Bekijk wat er verandert").click()


def apply(page: Any) -> None:
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Doorvoeren").click()


def counts(page: Any, kind: str) -> list[str]:
    return page.locator(f'#counts tr[data-kind="{kind}"] td').all_inner_texts()


def test_edexml_and_csv_upload_preview_apply_and_history(page: Any, coordinator: Any, tmp_path: Path) -> None:
    edex = tmp_path / "EDEX.XML"
    edex.write_bytes(as_bytes(roster()))
    upload(page, edex)
    page.wait_for_url("**/voorbeeld/*/")
    assert counts(page, "pupils") == ["4", "0", "0", "0", "0"]
    assert "Emma de Vries" in page.locator("#changes-pupils").inner_text()
    assert Pupil.objects.count() == 0
    apply(page)
    page.wait_for_url("**/import/*/")
    assert page.locator("#run-status").inner_text() == "Doorgevoerd"
    assert Pupil.objects.filter(active=True).count() == 4

    csv = tmp_path / "rooster.csv"
    csv.write_bytes(CSV.encode("cp1252"))
    upload(page, csv)
    page.wait_for_url("**/voorbeeld/*/")
    assert counts(page, "pupils") == ["0", "1", "1", "3", "0"]  # L1 renamed and out of the plus group
    assert "Zoë Çelik" in page.locator("#changes-pupils").inner_text()
    assert "Typ 5 om te bevestigen" in page.locator("#apply-form").inner_text()
    page.get_by_role("checkbox").check()
    page.get_by_label("Typ 5 om te bevestigen dat zij verwijderd worden").fill("5")
    page.get_by_role("button", name="Doorvoeren").click()
    page.wait_for_url("**/import/*/")
    assert sorted(Pupil.objects.filter(active=True).values_list("surname", flat=True)) == ["Çelik"]

    page.get_by_role("link", name="Terug naar leerlinggegevens").click()
    statuses = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["applied", "dry-run", "applied", "dry-run"]
    page.locator("#history").get_by_role("link", name="Rapport").first.click()
    assert page.locator("#run-status").inner_text() == "Doorgevoerd"
    assert ImportRun.objects.filter(source="csv", status="applied").count() == 1


def test_hostile_file_is_refused_with_a_message(page: Any, coordinator: Any, tmp_path: Path) -> None:
    bad = tmp_path / "EDEX.XML"
    bad.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x "y">]>\n<EDEX>&x;</EDEX>')
    upload(page, bad)
    assert page.locator("#refused-title").inner_text() == "Het bestand is geweigerd; er is niets veranderd."
    assert "DOCTYPE" in page.locator("#errors").inner_text()


def test_a_school_walked_through_the_school_year_switch(
    page: Any, coordinator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = this_year(12)
    first = tmp_path / "EDEX.XML"
    first.write_bytes(as_bytes(current))
    upload(page, first)
    apply(page)
    page.wait_for_url("**/import/*/")

    later = tmp_path / "EDEX-2027.XML"
    later.write_bytes(as_bytes(next_year(current)))
    upload(page, later)
    page.wait_for_url("**/voorbeeld/*/")
    assert "Het gaat in op 1 augustus 2027" in page.locator("#later-year").inner_text()
    apply(page)
    page.wait_for_url("**/import/*/")
    assert page.locator("#run-status").inner_text() == "Klaargezet voor het nieuwe schooljaar"
    page.goto("/schoolbeheer/leerlinggegevens/")
    assert "Het rooster voor 2027-2028 staat klaar" in page.locator("#school-year").inner_text()

    teacher = StaffMember.objects.get(email="marieke.jansen@regenboog.nl")
    principal = Principal(kind="staff", person=teacher.uuid, school=coordinator.instelling_ref)
    page.context.clear_cookies()
    page.context.add_cookies([session_cookie(principal, settings.BASE_URL)])
    page.goto("/klas/")
    assert "5A" in page.locator("main").inner_text()

    set_today(monkeypatch, dt.date(2027, 8, 1))
    page.goto("/klas/")
    main = page.locator("main").inner_text()
    assert "6A" in main
    assert "5A" not in main
    assert Pupil.objects.filter(active=True).count() == 12  # leavers go when the nightly job runs
    do_switch_school_years()  # the nightly job
    assert Pupil.objects.filter(active=True).count() == 9
    page.goto("/klas/")
    assert "6A" in page.locator("main").inner_text()
