"""Issue 15, "Bad input": every kind of refused file through the upload page, with a live roster
and a staged next year in place. Each is refused with a plain message (Dutch, or English when
chosen), recorded in the history as refused, and leaves the roster and the staged year as they were."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import ImportRun, PreparedImport, StaffRole, StagedYear
from tests.accounts.pupils import roster as sessions
from tests.roster import factories
from tests.roster.importing.conftest import set_today
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import SCHOOL, as_bytes, roster
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = pytest.mark.django_db

URL = "/schoolbeheer/leerlinggegevens/"
DOCTYPE_NL = (
    "Het bestand bevat een DOCTYPE-declaratie (een DTD of entiteiten). Die horen niet in een "
    "EDEXML-bestand en worden om veiligheidsredenen geweigerd."
)
CSV_HEADER = (
    "soort;key;naam;jaargroep;roepnaam;voorvoegsel;achternaam;groep;samengestelde_groepen;emailadres;"
    "schooljaar;brincode;dependancecode"
)
CSV_ROWS = (
    "school;;;;;;;;;;2026-2027;12AB;00",
    "groep;G5;5A;5;;;;;;;;;",
    "leerling;L1;;;Zoë;de;Vries;G5;;;;;",
)


def csv(header: str = CSV_HEADER, rows: tuple[str, ...] = CSV_ROWS, delimiter: str = ";") -> str:
    return "".join(line.replace(";", delimiter) + "\r\n" for line in (header, *rows))


LOL = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
FILES: dict[str, tuple[str, bytes]] = {
    "xxe": (
        "EDEX.XML",
        b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<EDEX>&x;</EDEX>',
    ),
    "entity expansion": (
        "EDEX.XML",
        f'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY lol0 "lol">{LOL}]>\n<EDEX>&lol9;</EDEX>'.encode(),
    ),
    "external dtd": (
        "EDEX.XML",
        b'<?xml version="1.0"?>\n<!DOCTYPE EDEX SYSTEM "http://127.0.0.1:9/edex.dtd">\n<EDEX/>',
    ),
    "binary noise": ("EDEX.XML", bytes(range(256)) * 4),
    "another school": ("EDEX.XML", as_bytes(roster(school=replace(SCHOOL, brin="34CD")))),
    "older school year": ("EDEX.XML", as_bytes(roster(school=replace(SCHOOL, school_year="2025-2026")))),
    "csv missing columns": ("rooster.csv", csv(header=CSV_HEADER.replace(";jaargroep", ";klas")).encode()),
    "csv wrong delimiter": ("rooster.csv", csv(delimiter="\t").encode()),
    "csv mixed encodings": (
        "rooster.csv",
        csv().encode() + "leerling;L2;;;André;;Smit;G5;;;;;\r\n".encode("cp1252"),
    ),
}


DOCTYPE_EN = (
    "The file contains a DOCTYPE declaration (a DTD or entities). These do not belong in an EDEXML file "
    "and are refused for safety reasons."
)
# kind: (line, Dutch, English) of the first error; line 0 is a file-wide error
REFUSALS: dict[str, tuple[int, str, str]] = {
    "xxe": (2, DOCTYPE_NL, DOCTYPE_EN),
    "entity expansion": (2, DOCTYPE_NL, DOCTYPE_EN),
    "external dtd": (2, DOCTYPE_NL, DOCTYPE_EN),
    "binary noise": (
        1,
        "Dit is geen XML-bestand. Kies het EDEXML-bestand uit de leerlingadministratie (meestal EDEX.XML).",
        "This is not an XML file. Choose the EDEXML file from the pupil administration system (usually "
        "EDEX.XML).",
    ),
    "another school": (
        0,
        "Dit bestand is van school 34CD00, niet van 12AB00. Kies het bestand van deze school, of importeer "
        "het bij school 34CD00.",
        "This file is from school 34CD00, not from 12AB00. Choose the file of this school, or import it at "
        "school 34CD00.",
    ),
    "older school year": (
        0,
        "Dit bestand is voor schooljaar 2025-2026, maar school 12AB00 heeft al een rooster voor 2026-2027. "
        "Een ouder schooljaar wordt niet meer ingelezen.",
        "This file is for school year 2025-2026, but school 12AB00 already has a roster for 2026-2027. An "
        "older school year is no longer imported.",
    ),
    "csv missing columns": (1, "De kolom 'jaargroep' ontbreekt.", "The column 'jaargroep' is missing."),
    "csv wrong delimiter": (
        1,
        "De eerste regel moet de kolomnamen bevatten (soort, key, naam, …), gescheiden door een puntkomma "
        "(;) of een komma (,). Gebruik het sjabloon.",
        "The first line must hold the column names (soort, key, naam, …), separated by a semicolon (;) or a "
        "comma (,). Use the template.",
    ),
    "csv mixed encodings": (
        5,
        "Het bestand gebruikt twee tekensets door elkaar (UTF-8 en een andere); sla het opnieuw op als CSV "
        "UTF-8 en probeer het nog eens.",
        "The file mixes two character sets (UTF-8 and another one); save it again as CSV UTF-8 and try once "
        "more.",
    ),
}


@pytest.fixture
def coordinator(client: Client, monkeypatch: pytest.MonkeyPatch) -> Client:
    """A school in December with this year's roster applied and next year's staged."""
    set_today(monkeypatch, dt.date(2026, 12, 3))
    school: SchoolLocation = factories.school()
    sessions.sign_in_staff(
        client, factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    current = this_year(6)
    for document in (current, next_year(current, leaving=1)):
        response = client.post(URL, {"bestand": SimpleUploadedFile("EDEX.XML", as_bytes(document))})
        assert response.status_code == 302, response.content.decode()[:300]
        client.post(response["Location"], {"bevestig": "1"})
    assert list(ImportRun.objects.order_by("id").values_list("status", flat=True)) == [
        "dry-run", "applied", "dry-run", "staged",
    ]  # fmt: skip
    return client


def state() -> dict[str, Any]:
    return {
        **roster_state(),
        "staged": list(StagedYear.objects.order_by("id").values()),
        "prepared": PreparedImport.objects.count(),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(FILES))
def test_each_refused_file_is_recorded_and_changes_neither_roster_nor_staged_year(
    coordinator: Client, kind: str, language: str
) -> None:
    coordinator.cookies["django_language"] = language
    name, data = FILES[kind]
    before = state()
    runs_before = set(ImportRun.objects.values_list("id", flat=True))

    response = coordinator.post(
        URL, {"bestand": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    html = response.content.decode()
    line, dutch, english = REFUSALS[kind]
    text, prefix = (dutch, "Regel") if language == "nl" else (english, "Line")
    shown = f"{prefix} {line}: {text}" if line else text
    assert f"<li>{escape(shown)}</li>" in html
    assert ("Het bestand is geweigerd; er is niets veranderd." in html) is (language == "nl")
    assert ("The file was refused; nothing has changed." in html) is (language == "en")
    assert state() == before
    run = ImportRun.objects.exclude(id__in=runs_before).get()
    source = "csv" if name.endswith(".csv") else "upload"
    assert (run.status, run.source, run.file_name, run.errors[0]["line"], run.errors[0]["message"]) == (
        "rejected", source, name, line, dutch,
    )  # fmt: skip
    assert run.file_sha256 == hashlib.sha256(data).hexdigest()
    history = coordinator.get(URL).content.decode()
    assert history.count('data-status="rejected"') == 1
    assert history.count('data-status="staged"') == 1
