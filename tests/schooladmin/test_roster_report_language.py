"""The history's report page and download in the reader's language, also for reports stored before
texts were kept with their message id."""

from __future__ import annotations

import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.importing.actions import do_import_roster
from klaspoort.roster.models import ImportRun
from tests.roster.importing.test_report_language import BAD, ENGLISH_ERRORS, no_dutch_in
from tests.schooladmin.test_roster_views import coordinator, december, school  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CSV = (
    "soort;key;naam;jaargroep;roepnaam;voorvoegsel;achternaam;groep;emailadres;schooljaar;brincode\r\n"
    "school;;;;;;;;;2026-2027;12AB\r\n"
    "groep;G5;5A;5;;;;;;;\r\n"
    "leerling;L1;;;Emma;;Vries;G9;;;\r\n"
)


def page(client: Client, run: ImportRun, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/schoolbeheer/leerlinggegevens/import/{run.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def download(client: Client, run: ImportRun, language: str) -> dict[str, object]:
    client.cookies["django_language"] = language
    response = client.get(f"/schoolbeheer/leerlinggegevens/import/{run.pk}/rapport.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_a_stored_report_shows_in_the_readers_language(coordinator: Client, school: SchoolLocation) -> None:  # noqa: F811
    do_import_roster(school, CSV.encode(), source="csv", actor="test", file_format="csv")
    run = ImportRun.objects.get()
    dutch, english = page(coordinator, run, "nl"), page(coordinator, run, "en")
    assert (
        "Regel 4: Leerling &#x27;L1&#x27; verwijst naar groep &#x27;G9&#x27;, maar die staat niet in het bestand."
    ) in dutch
    assert (
        "Line 4: Pupil &#x27;L1&#x27; refers to group &#x27;G9&#x27;, but that is not in the file." in english
    )
    assert "verwijst" not in english
    assert download(coordinator, run, "en")["errors"] == [
        {"line": 4, "message": "Pupil 'L1' refers to group 'G9', but that is not in the file."}
    ]
    assert download(coordinator, run, "nl")["errors"] == [
        {"line": 4, "message": "Leerling 'L1' verwijst naar groep 'G9', maar die staat niet in het bestand."}
    ]


def test_a_report_stored_before_still_shows(coordinator: Client, school: SchoolLocation) -> None:  # noqa: F811
    report = {
        "status": "held",
        "school": "12AB00",
        "errors": [{"line": 0, "message": "Het bestand is leeg."}, {"line": 7, "message": "Een oude fout."}],
        "warnings": ["Regel 12: een oude waarschuwing."],
        "guard": ["Deze import zou 9 van de 10 actieve leerlingen verwijderen."],
        "skipped_staff": [{"key": "T9", "reason": "niet gekoppeld aan een groep"}],
    }
    run = ImportRun.objects.create(
        school=school,
        source="cli",
        status="held",
        file_sha256="0" * 64,
        started_at=timezone.now(),
        report=report,
    )
    english = page(coordinator, run, "en")
    assert "<li>The file is empty.</li>" in english  # the catalogue still has it
    assert "<li>Line 7: Een oude fout.</li>" in english
    assert "<li>Regel 12: een oude waarschuwing.</li>" in english
    assert "<li>Deze import zou 9 van de 10 actieve leerlingen verwijderen.</li>" in english
    assert "<li>T9: niet gekoppeld aan een groep</li>" in english
    assert download(coordinator, run, "nl")["errors"] == report["errors"]


def test_a_refused_upload_in_english_has_no_dutch_report_text(coordinator: Client) -> None:  # noqa: F811
    coordinator.cookies["django_language"] = "en"
    response = coordinator.post(
        "/schoolbeheer/leerlinggegevens/",
        {"bestand": SimpleUploadedFile("rooster.csv", BAD.encode()), "formaat": "auto"},
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    for error in ENGLISH_ERRORS:
        line, message = error.split(": ", 1)
        assert f"{line}: {message[0].upper()}{message[1:]}" in html
    assert no_dutch_in(html) == []
    assert ImportRun.objects.get().status == "rejected"
