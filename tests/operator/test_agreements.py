"""Data-processing agreements per board or per school, and which schools they cover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.operator.models import ProcessingAgreement
from klaspoort.registry.actions import do_register_school
from tests.operator.pdfs import pdf


@pytest.fixture(autouse=True)
def documents(settings: Any, tmp_path: Path) -> Path:
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    return settings.DOCUMENTS_DIR


def _record(console: Client, party: str, **changes: Any) -> tuple[int, str]:
    data = {
        "party": party,
        "signed_by": "Dirk Bestuur",
        "signed_on": "2026-09-01",
        "version": "2026.1",
        "document": SimpleUploadedFile("vo.pdf", pdf(3)),
        **changes,
    }
    response = console.post("/beheer/overeenkomsten/", data)
    return response.status_code, response.content.decode()


def test_board_agreement_covers_its_schools(console: Client) -> None:
    do_register_school("12AB00", name="De Eekhoorn", board_number="41234")
    do_register_school("12AB01", name="De Eekhoorn Zuid", board_number="41234")
    do_register_school("34CD00", name="De Klimop", board_number="55555")
    do_register_school("56EF00", name="Het Anker", board_number="66666")
    assert _record(console, "41234")[0] == 302
    assert _record(console, "34CD00")[0] == 302  # one school signs, naming its board
    agreement = ProcessingAgreement.objects.get(board__number="41234")
    assert (agreement.signed_by, str(agreement.signed_on), agreement.version) == (
        "Dirk Bestuur",
        "2026-09-01",
        "2026.1",
    )
    page = console.get("/beheer/overeenkomsten/dekking/").content.decode()
    assert page.count(">gedekt<") == 3
    assert page.count(">niet gedekt<") == 1
    uncovered = console.get("/beheer/overeenkomsten/dekking/?uncovered=on").content.decode()
    assert "Het Anker" in uncovered
    assert "De Klimop" not in uncovered


def test_unknown_party_or_bad_pdf_is_refused(console: Client) -> None:
    status, page = _record(console, "99999")
    assert (status, "99999 is geen bekend bestuur en geen school met een account." in page) == (400, True)
    do_register_school("12AB00", name="De Eekhoorn", board_number="41234")
    status, page = _record(console, "41234", document=SimpleUploadedFile("x.pdf", b"not a pdf"))
    assert (status, "Dit is geen PDF-bestand." in page) == (400, True)
    assert ProcessingAgreement.objects.count() == 0


def test_coverage_queries_do_not_grow(console: Client) -> None:
    for index in range(3):
        do_register_school(f"1{index}AB00", name=f"School {index}", board_number="41234")
    with CaptureQueriesContext(connection) as small:
        console.get("/beheer/overeenkomsten/dekking/")
    for index in range(3, 70):
        do_register_school(f"{10 + index}AB00", name=f"School {index}", board_number=f"{41000 + index}")
    with CaptureQueriesContext(connection) as large:
        console.get("/beheer/overeenkomsten/dekking/")
    assert len(large) == len(small)
