"""The "Leerlinggegevens" pages: upload, preview, apply, history, start day; coordinators only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.document import EdexPupil
from klaspoort.roster.models import (
    ImportRun,
    PreparedImport,
    Pupil,
    SchoolYearStart,
    StaffRole,
    StagedYear,
)
from tests.accounts.pupils import roster as sessions
from tests.core.bodies import Unreadable
from tests.roster import factories
from tests.roster.importing.conftest import set_today
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import SCHOOL, as_bytes, pupils, roster
from tests.roster.importing.test_command import run_cli
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = pytest.mark.django_db

URL = "/schoolbeheer/leerlinggegevens/"
CSV = (
    "soort,key,naam,jaargroep,roepnaam,voorvoegsel,achternaam,groep,samengestelde_groepen,emailadres,schooljaar,brincode,dependancecode\r\n"
    "school,,,,,,,,,,2026-2027,12AB,00\r\n"
    "groep,G5,5A,5,,,,,,,,,\r\n"
    "leerling,L1,,,Zoë,,Çelik,G5,,,,,\r\n"
    "leerling,L2,,,Daan,van,Dijk,G5,,,,,\r\n"
    "leerkracht,T1,,,Marieke,,Jansen,G5,,marieke@regenboog.nl,,,\r\n"
)


@pytest.fixture(autouse=True)
def december(monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))


@pytest.fixture
def school() -> SchoolLocation:
    return factories.school()


@pytest.fixture
def coordinator(client: Client, school: SchoolLocation) -> Client:
    sessions.sign_in_staff(
        client, factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    return client


def upload(client: Client, data: bytes, name: str = "EDEX.XML", **extra: Any) -> Any:
    return client.post(URL, {"bestand": SimpleUploadedFile(name, data), "formaat": "auto"}, **extra)


def preview_of(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def test_upload_preview_apply_and_history(coordinator: Client, school: SchoolLocation) -> None:
    before = roster_state()
    preview_url = preview_of(upload(coordinator, as_bytes(roster())))

    assert roster_state() == before  # the preview changes nothing
    html = coordinator.get(preview_url).content.decode()
    assert re.search(
        r'<tr data-kind="pupils"><th>Leerlingen</th><td>4</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>',
        html,
    )
    assert 'Emma de Vries <span class="muted">(L1)</span>' in html
    refused = coordinator.post(preview_url, {})
    assert refused.status_code == 400
    assert "Vink aan dat je de wijzigingen wilt doorvoeren." in refused.content.decode()
    assert Pupil.objects.count() == 0

    applied = coordinator.post(preview_url, {"bevestig": "1"})

    run = ImportRun.objects.get(status="applied")
    assert applied["Location"] == f"{URL}import/{run.pk}/"
    assert Pupil.objects.filter(school=school, active=True).count() == 4
    assert (run.source, run.actor.startswith("staff:"), run.file_name) == ("upload", True, "EDEX.XML")
    assert run.file_sha256 == hashlib.sha256(as_bytes(roster())).hexdigest()
    assert not PreparedImport.objects.exists()
    report = coordinator.get(applied["Location"]).content.decode()
    assert '<dd id="run-status">Doorgevoerd</dd>' in report
    history = coordinator.get(URL).content.decode()
    assert history.count('data-status="dry-run"') == 1
    assert history.count('data-status="applied"') == 1
    download = coordinator.get(f"{URL}import/{run.pk}/rapport.json")
    assert download["Content-Disposition"].startswith('attachment; filename="import-12AB00-')
    assert json.loads(download.content)["counts"]["pupils"]["added"] == 4
    assert coordinator.post(preview_url, {"bevestig": "1"}).status_code == 404  # used up


def test_a_change_shows_old_and_new_values(coordinator: Client) -> None:
    coordinator.post(preview_of(upload(coordinator, as_bytes(roster()))), {"bevestig": "1"})
    renamed = roster(
        pupils=(roster().pupils[0].__class__("L1", "Emma", "Visser", "", "", "5", "G5"), *roster().pupils[1:])
    )
    html = coordinator.get(preview_of(upload(coordinator, as_bytes(renamed)))).content.decode()
    assert "voorvoegsel <del>de</del> → <ins>–</ins>, achternaam <del>Vries</del> → <ins>Visser</ins>" in html  # noqa: RUF001


def test_csv_upload_in_windows_1252_with_commas(coordinator: Client) -> None:
    preview_url = preview_of(upload(coordinator, CSV.encode("cp1252"), name="rooster.csv"))
    assert "Zoë Çelik" in coordinator.get(preview_url).content.decode()
    coordinator.post(preview_url, {"bevestig": "1"})
    run = ImportRun.objects.get(status="applied")
    assert run.source == "csv"
    assert sorted(Pupil.objects.values_list("surname", flat=True)) == ["Dijk", "Çelik"]


def test_csv_errors_are_listed_with_lines_and_recorded(coordinator: Client) -> None:
    bad = CSV.replace("leerling,L2,,,Daan,van,Dijk,G5", "leerling,L2,,,Daan,van,Dijk,G9").replace(
        ",jaargroep", ",klas"
    )
    response = upload(coordinator, bad.encode(), name="rooster.csv")
    assert response.status_code == 400
    html = response.content.decode()
    assert "De kolom &#x27;jaargroep&#x27; ontbreekt." in html
    run = ImportRun.objects.get()
    assert (run.status, run.source) == ("rejected", "csv")
    assert not PreparedImport.objects.exists()
    assert Pupil.objects.count() == 0


DOCTYPE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<EDEX>&x;</EDEX>'
)


def test_hostile_xml_is_refused_in_dutch_and_recorded(coordinator: Client) -> None:
    before = roster_state()
    response = upload(coordinator, DOCTYPE)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Het bestand is geweigerd; er is niets veranderd." in html
    assert "DOCTYPE" in html
    assert "Traceback" not in html
    assert roster_state() == before
    assert ImportRun.objects.get().status == "rejected"


def test_hostile_xml_is_refused_in_english_when_chosen(coordinator: Client) -> None:
    coordinator.cookies["django_language"] = "en"
    html = upload(coordinator, DOCTYPE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The file was refused; nothing has changed." in html


@override_settings(EDEXML_MAX_BYTES=2000)
def test_a_file_over_the_limit_is_refused_unread_and_recorded(coordinator: Client) -> None:
    big = as_bytes(roster(pupils=pupils(60)))
    assert len(big) > 2000
    response = upload(coordinator, big)
    assert response.status_code == 413
    run = ImportRun.objects.get()
    assert (run.status, run.file_sha256) == ("rejected", "")
    assert run.errors[0]["message"].startswith("Het bestand is te groot")
    assert Pupil.objects.count() == 0


@override_settings(EDEXML_MAX_BYTES=2000)
def test_an_announced_oversized_body_is_not_read(coordinator: Client) -> None:
    body = Unreadable()
    before = roster_state()
    response = coordinator.generic(
        "POST", URL, b"x" * 10, content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(10 * 1024 * 1024), HTTP_SEC_FETCH_SITE="same-origin", **{"wsgi.input": body},
    )  # fmt: skip
    assert (response.status_code, body.reads) == (413, 0)
    run = ImportRun.objects.get()
    assert (run.status, run.file_sha256) == ("rejected", "")
    assert run.errors[0]["message"] == "Het bestand is te groot (10 MB); de grens is 2 kB."
    assert roster_state() == before


@override_settings(EDEXML_MAX_BYTES=2000)
def test_an_oversized_body_of_a_teacher_is_refused_unread_and_nothing_is_stored(
    client: Client, school: SchoolLocation
) -> None:
    sessions.sign_in_staff(client, factories.staff(school, "juf@regenboog.nl", roles=(StaffRole.TEACHER,)))
    body = Unreadable()
    response = client.generic(
        "POST", URL, b"", content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(10 * 1024 * 1024), **{"wsgi.input": body},
    )  # fmt: skip
    assert (response.status_code, body.reads) == (403, 0)
    assert ImportRun.objects.count() == 0


def test_a_nul_character_in_an_upload_field_is_refused(coordinator: Client) -> None:
    before = roster_state()
    response = coordinator.post(
        URL, {"bestand": SimpleUploadedFile("EDEX.XML", b"<EDEX/>"), "formaat": "a\x00"}
    )
    assert response.status_code == 400
    assert (ImportRun.objects.count(), roster_state()) == (0, before)


def test_mass_removal_needs_a_second_confirmation_naming_the_number(coordinator: Client) -> None:
    coordinator.post(preview_of(upload(coordinator, as_bytes(roster(pupils=pupils(10))))), {"bevestig": "1"})
    preview_url = preview_of(upload(coordinator, as_bytes(roster(pupils=pupils(5)))))
    html = coordinator.get(preview_url).content.decode()
    assert "Typ 5 om te bevestigen dat zij verwijderd worden" in html

    assert coordinator.post(preview_url, {"bevestig": "1", "aantal_verwijderd": "4"}).status_code == 400
    assert Pupil.objects.filter(active=True).count() == 10
    coordinator.post(preview_url, {"bevestig": "1", "aantal_verwijderd": "5"})
    assert Pupil.objects.filter(active=True).count() == 5
    assert ImportRun.objects.filter(status="applied").order_by("id").last().mass_removal_allowed is True  # type: ignore[union-attr]


def test_a_later_year_says_when_it_takes_effect(coordinator: Client) -> None:
    later = roster(school=SCHOOL.__class__(school_year="2027-2028", brin="12AB", location_code="00"))
    html = coordinator.get(preview_of(upload(coordinator, as_bytes(later)))).content.decode()
    assert "Dit bestand is voor schooljaar 2027-2028. Het gaat in op 1 augustus 2027" in html


def test_the_coordinator_sets_the_start_day(coordinator: Client, school: SchoolLocation) -> None:
    assert (
        coordinator.post(f"{URL}begindatum/", {"schooljaar": "2027", "begindatum": "2027-08-24"}).status_code
        == 302
    )
    assert SchoolYearStart.objects.get(school=school).starts_on == dt.date(2027, 8, 24)
    response = coordinator.post(f"{URL}begindatum/", {"schooljaar": "2027", "begindatum": "2027-12-24"})
    assert response.status_code == 400
    assert "Kies een dag tussen" in response.content.decode()
    assert SchoolYearStart.objects.get(school=school).starts_on == dt.date(2027, 8, 24)
    assert (
        coordinator.post(f"{URL}begindatum/", {"schooljaar": "2026", "begindatum": "2026-12-24"}).status_code
        == 400
    )


def test_the_csv_template_downloads(coordinator: Client) -> None:
    response = coordinator.get(f"{URL}sjabloon.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeffsoort;key;naam;".encode())
    assert b"school;;;;;;;;;;;;2026-2027;12AB;00" in response.content


def _other_people(school: SchoolLocation) -> dict[str, Principal | None]:
    other = factories.school("34CD00", "De Linde")
    coordinator_elsewhere = factories.staff(other, "ict@linde.nl", roles=(StaffRole.ICT_COORDINATOR,))
    teacher = factories.staff(school, "juf@regenboog.nl")
    group = factories.group(school)
    pupil = factories.pupil(group, "Sem", "Bakker")
    return {
        "teacher": Principal(kind="staff", person=teacher.staff.uuid, school=school.instelling_ref),
        "elsewhere": Principal(
            kind="staff", person=coordinator_elsewhere.staff.uuid, school=other.instelling_ref
        ),
        "pupil": Principal(kind="pupil", person=pupil.uuid, school=school.instelling_ref),
        "parent": Principal(kind="pupil", person=pupil.uuid, school=school.instelling_ref, context="home"),
    }


def test_another_schools_coordinator_cannot_touch_this_school(client: Client, school: SchoolLocation) -> None:
    outsider = _other_people(school)["elsewhere"]
    mine = Client()
    sessions.sign_in_staff(
        mine, factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    preview_url = preview_of(upload(mine, as_bytes(roster())))
    run = ImportRun.objects.get()
    session = client.session
    session[SESSION_KEY] = outsider.to_session()  # type: ignore[union-attr]
    session.save()
    before = roster_state()

    assert client.get(preview_url).status_code == 403
    assert client.post(preview_url, {"bevestig": "1"}).status_code == 403
    assert client.get(f"{URL}import/{run.pk}/").status_code == 403
    assert client.get(f"{URL}import/{run.pk}/rapport.json").status_code == 403
    refused = upload(client, as_bytes(roster()))  # this school's file at their own school
    assert refused.status_code == 400
    assert "Dit bestand is van school 12AB00, niet van 34CD00." in refused.content.decode()
    assert roster_state() == before
    assert PreparedImport.objects.count() == 1
    assert list(ImportRun.objects.filter(school=school).values_list("status", flat=True)) == ["dry-run"]


@pytest.mark.parametrize("who", ["teacher", "pupil", "parent"])
def test_nobody_but_the_coordinator_gets_in_and_nothing_is_stored(
    client: Client, school: SchoolLocation, who: str
) -> None:
    principal = _other_people(school)[who]
    assert principal is not None
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()
    before = roster_state()
    assert upload(client, as_bytes(roster())).status_code == 403
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}sjabloon.csv").status_code == 403
    assert (
        client.post(f"{URL}begindatum/", {"schooljaar": "2027", "begindatum": "2027-08-24"}).status_code
        == 403
    )
    assert roster_state() == before
    assert not ImportRun.objects.exists()
    assert not PreparedImport.objects.exists()
    assert not SchoolYearStart.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused_and_nothing_stored(school: SchoolLocation) -> None:
    client = Client(enforce_csrf_checks=True)
    sessions.sign_in_staff(
        client, factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    assert upload(client, as_bytes(roster())).status_code == 403
    assert not ImportRun.objects.exists()
    assert not PreparedImport.objects.exists()


def test_a_start_day_is_never_set_in_the_past_and_stays_once_it_has_passed(
    coordinator: Client, school: SchoolLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def set_start(day: str) -> Any:
        return coordinator.post(f"{URL}begindatum/", {"schooljaar": "2027", "begindatum": day})

    assert set_start("2027-08-24").status_code == 302
    set_today(monkeypatch, dt.date(2027, 8, 10))  # the default 1 August is past, the school's 24th not

    past = set_start("2027-08-05")
    assert past.status_code == 400
    assert (
        "Kies een dag na vandaag: een schooljaar kan niet in het verleden beginnen." in past.content.decode()
    )
    assert set_start("2027-08-10").status_code == 400  # today is not "after today" either
    assert SchoolYearStart.objects.get(school=school).starts_on == dt.date(2027, 8, 24)
    assert set_start("2027-08-31").status_code == 302
    assert SchoolYearStart.objects.get(school=school).starts_on == dt.date(2027, 8, 31)

    set_today(monkeypatch, dt.date(2027, 9, 1))
    passed = set_start("2027-09-20")
    assert passed.status_code == 400
    assert "Dit schooljaar is al begonnen; de begindatum kan niet meer veranderen." in passed.content.decode()
    assert SchoolYearStart.objects.get(school=school).starts_on == dt.date(2027, 8, 31)


def test_a_second_file_for_next_year_shows_the_difference_with_the_staged_plan(coordinator: Client) -> None:
    current = this_year(6)
    coordinator.post(preview_of(upload(coordinator, as_bytes(current))), {"bevestig": "1"})
    first = next_year(current, leaving=1)
    html = coordinator.get(preview_of(upload(coordinator, as_bytes(first)))).content.decode()
    assert 'id="replaces"' not in html  # nothing staged yet
    assert 'id="difference"' not in html
    coordinator.post(preview_of(upload(coordinator, as_bytes(first))), {"bevestig": "1"})
    staged = StagedYear.objects.get()
    moved = replace(first.pupils[0], group_key="N7B", year_group="7")  # P1: 7A in the staged plan
    newcomer = EdexPupil("NEW1", "Fenna", "Smit", year_group="6", group_key="N6")
    second = replace(first, pupils=(moved, *first.pupils[2:], newcomer))  # P2 leaves too

    html = coordinator.get(preview_of(upload(coordinator, as_bytes(second)))).content.decode()

    assert (
        '<p class="notice" id="replaces">Dit bestand vervangt het rooster voor 2027-2028 dat sinds '
        "3 december 2026 09:30 klaarstaat. Hieronder zie je eerst wat er anders is dan in dat rooster, daarna "
        "alles vergeleken met het rooster van nu.</p>"
    ) in html
    difference = html.split('id="difference"')[1].split("</section>")[0]
    assert re.findall(r"<li>(.*?)</li>", difference) == [
        'Fenna Smit <span class="muted">(NEW1)</span>: komt er nu bij',
        'Kind1 Achternaam <span class="muted">(P1)</span>: komt in een andere groep dan in het klaargezette '
        "rooster",
        'Kind2 Achternaam <span class="muted">(P2)</span>: verandert niet meer',
        'Kind2 Achternaam <span class="muted">(P2)</span>: gaat nu ook weg',
    ]
    assert "<h3>Medewerkers</h3>" not in difference  # their groups are the staged plan's
    assert StagedYear.objects.get() == staged  # a preview replaces nothing yet

    coordinator.cookies["django_language"] = "en"
    english = coordinator.get(
        preview_of(upload(coordinator, as_bytes(second), HTTP_ACCEPT_LANGUAGE="en")),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert '<h2 id="difference-title">Difference with the staged roster</h2>' in english
    assert 'Kind2 Achternaam <span class="muted">(P2)</span>: now leaves as well' in english


def test_the_history_lists_command_line_held_and_refused_runs_with_their_facts(
    coordinator: Client, school: SchoolLocation, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "beheerder")
    full, half = as_bytes(roster(pupils=pupils(10))), as_bytes(roster(pupils=pupils(4)))
    for name, data in (("full.xml", full), ("half.xml", half)):
        (tmp_path / name).write_bytes(data)
        run_cli(str(tmp_path / name), "--school", "12AB00")  # the second is held: 6 of 10 leave
    upload(coordinator, DOCTYPE)
    ImportRun.objects.update(duration_ms=123)

    rows = re.findall(r'<tr data-status="([a-z-]+)">(.*?)</tr>', coordinator.get(URL).content.decode(), re.S)

    facts = [
        (
            status,
            *re.findall(r"<td>(.*?)</td>", row, re.S)[1:5],
            re.search(r"<code[^>]*>(\w+)</code>", row)[1],
        )  # type: ignore[index]
        for status, row in rows
    ]
    digest = {data: hashlib.sha256(data).hexdigest()[:12] for data in (full, half, DOCTYPE)}
    assert facts == [
        ("rejected", "Anna de Vries", "EDEXML-upload", "Geweigerd", "+0 ~0 −0", digest[DOCTYPE]),  # noqa: RUF001
        ("held", "cli:beheerder", "opdrachtregel", "Tegengehouden", "+0 ~0 −6", digest[half]),  # noqa: RUF001
        ("applied", "cli:beheerder", "opdrachtregel", "Doorgevoerd", "+10 ~0 −0", digest[full]),  # noqa: RUF001
    ]
    assert coordinator.get(URL).content.decode().count("<td>123 ms</td>") == 3


def test_the_same_file_for_the_staged_year_again_shows_no_difference(coordinator: Client) -> None:
    current = this_year(6)
    coordinator.post(preview_of(upload(coordinator, as_bytes(current))), {"bevestig": "1"})
    later = as_bytes(next_year(current, leaving=1))
    coordinator.post(preview_of(upload(coordinator, later)), {"bevestig": "1"})

    html = coordinator.get(preview_of(upload(coordinator, later))).content.decode()

    difference = html.split('id="difference"')[1].split("</section>")[0]
    assert "<p>Geen verschil met het klaargezette rooster.</p>" in difference
    assert "<li>" not in difference
