"""School account requests: the public form checks the register, the board and the PDF and keeps
nothing when refused; operators approve (school, first coordinator, activation mail) or refuse with
a reason mailed to the director."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.operator.models import AccountRequest
from klaspoort.registry.duo_sample import SampleLocation, sample_register
from klaspoort.registry.models import SchoolLocation
from klaspoort.registry.register_import import do_import_register
from klaspoort.roster.models import StaffPlacement
from tests.operator.conftest import actor
from tests.operator.pdfs import pdf

pytestmark = pytest.mark.usefixtures("empty_cache")  # the form's rate limit counts per client address


@pytest.fixture
def documents(settings: Any, tmp_path: Path) -> Path:
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    return settings.DOCUMENTS_DIR


@pytest.fixture
def register(db: None) -> None:
    do_import_register(
        sample_register(
            [
                SampleLocation("12AB00", "Openbare Basisschool De Eekhoorn", board="41234"),
                SampleLocation("34CD00", "De Klimop", board="55555"),
            ]
        ),
        actor="test",
    )


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "board_number": "41234",
        "board_name": "Stichting Primair Utrecht",
        "school_name": "De Eekhoorn",
        "school_code": "12ab00",
        "director_name": "Dirk Bestuur",
        "director_email": "dirk@stichting.example",
        "director_phone": "030-1234567",
        "admin_first_name": "Ilse",
        "admin_infix": "van der",
        "admin_surname": "Berg",
        "admin_email": "ilse@eekhoorn.example",
        "signed_request": SimpleUploadedFile("aanvraag.pdf", pdf(2), "application/pdf"),
    }
    data.update(changes)
    return data


def _submit(client: Client, **changes: Any) -> tuple[int, str]:
    response = client.post("/aanvraag/", form_data(**changes))
    return response.status_code, response.content.decode()


@pytest.mark.usefixtures("register")
def test_request_is_stored_with_its_pdf_outside_the_web_root(
    client: Client, documents: Path, settings: Any
) -> None:
    status, page = _submit(client)
    assert status == 200
    assert "Aanvraag ontvangen" in page
    request = AccountRequest.objects.get()
    assert (request.school_code, request.admin_name, request.document_pages) == (
        "12AB00",
        "Ilse van der Berg",
        2,
    )
    stored = documents / request.document
    assert stored.read_bytes().startswith(b"%PDF-")
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert stored.stat().st_mode & 0o077 == 0


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"school_code": "12A00"}, "Vul de BRIN en het vestigingsnummer in, bijvoorbeeld 12AB00."),
        ({"school_code": "99ZZ00"}, "99ZZ00 staat niet in het register van DUO."),
        ({"board_number": "55555"}, "Volgens het register hoort 12AB00 bij bestuur 41234."),
        ({"board_number": "77777"}, "Bestuur 77777 kennen we niet uit het register."),
        ({"board_number": "123"}, "Een bestuursnummer heeft 5 cijfers."),
        ({"signed_request": SimpleUploadedFile("a.pdf", b"GIF89a not a pdf")}, "Dit is geen PDF-bestand."),
        (
            {"signed_request": SimpleUploadedFile("a.pdf", pdf(21))},
            "De PDF heeft 21 pagina&#x27;s; verwacht 1 tot 20.",
        ),
        (
            {"signed_request": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))},
            "Het bestand is groter dan 5 MB.",
        ),
        (
            {"signed_request": SimpleUploadedFile("a.pdf", b"%PDF-1.7\nbroken")},
            "De PDF is beschadigd of onleesbaar.",
        ),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_kept(
    client: Client, documents: Path, changes: dict[str, Any], message: str
) -> None:
    status, page = _submit(client, **changes)
    assert status == 400
    assert message in page
    assert AccountRequest.objects.count() == 0
    assert not documents.exists() or list(documents.iterdir()) == []


@pytest.mark.usefixtures("register")
def test_school_with_an_account_or_a_pending_request(client: Client, documents: Path) -> None:
    assert _submit(client)[0] == 200
    status, page = _submit(client)
    assert (status, "Voor deze school loopt al een aanvraag." in page) == (400, True)
    SchoolLocation.objects.create(brin="34CD", location_code="00", name="De Klimop")
    status, page = _submit(client, school_code="34CD00", board_number="55555")
    assert (status, "Deze school heeft al een account bij klaspoort." in page) == (400, True)
    assert AccountRequest.objects.count() == 1


@pytest.mark.usefixtures("register")
def test_approve_creates_school_and_coordinator_who_activates(
    client: Client,
    console: Client,
    operator: Account,
    documents: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _submit(client)
    request = AccountRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # mails leave after commit
        response = console.post(f"/beheer/aanvragen/{request.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    school = SchoolLocation.objects.get(brin="12AB")
    assert school.name == "Openbare Basisschool De Eekhoorn"  # the official name from the register
    assert school.board is not None
    assert (school.board.number, school.board.name) == ("41234", "Stichting Primair Utrecht")
    placement = StaffPlacement.objects.select_related("staff__account").get(school=school)
    assert placement.roles == ["ict_coordinator"]
    assert placement.staff.full_name == "Ilse van der Berg"
    request.refresh_from_db()
    assert (request.status, request.school, request.decided_by) == ("approved", school, actor(operator))
    assert AuditEvent.objects.get(action="school_request.approved").actor == actor(operator)
    [message] = mail.outbox
    assert message.to == ["ilse@eekhoorn.example"]
    link = re.search(r"https?://\S+/activate/(\S+)/", message.body)
    assert link is not None
    activation = client.post(
        f"/activate/{link.group(1)}/", {"password1": "Kastanje-boom-2026", "password2": "Kastanje-boom-2026"}
    )
    assert activation.status_code in (200, 302)
    account = Account.objects.get(email="ilse@eekhoorn.example")
    assert account.is_active
    again = console.post(f"/beheer/aanvragen/{request.pk}/", {"decision": "approve"})
    assert again.status_code == 400
    assert "Over deze aanvraag is al beslist." in again.content.decode()
    assert SchoolLocation.objects.count() == 1


@pytest.mark.usefixtures("register")
def test_refuse_mails_the_reason(
    client: Client,
    console: Client,
    operator: Account,
    documents: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _submit(client)
    request = AccountRequest.objects.get()
    empty = console.post(f"/beheer/aanvragen/{request.pk}/", {"decision": "refuse", "reason": " "})
    assert empty.status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):  # mails leave after commit
        response = console.post(
            f"/beheer/aanvragen/{request.pk}/", {"decision": "refuse", "reason": "De handtekening ontbreekt."}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", "De handtekening ontbreekt.")
    [message] = mail.outbox
    assert message.to == ["dirk@stichting.example"]
    assert "De handtekening ontbreekt." in message.body
    assert SchoolLocation.objects.count() == 0


@pytest.mark.usefixtures("register")
def test_operator_downloads_the_signed_request(client: Client, console: Client, documents: Path) -> None:
    _submit(client)
    request = AccountRequest.objects.get()
    response = console.get(f"/beheer/documenten/{request.document}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert Client().get(f"/beheer/documenten/{request.document}").status_code == 403
    assert console.get("/beheer/documenten/..%2Fsecret_key").status_code == 404


@pytest.mark.usefixtures("register")
def test_the_form_is_rate_limited_per_address_and_a_refused_try_changes_nothing(
    client: Client, documents: Path
) -> None:
    for _try in range(5):  # refused by the checks, but counted
        assert _submit(client, school_code="99ZZ00")[0] == 400
    status, page = _submit(client)  # a good request, but the sixth try within the hour
    assert status == 429
    assert "Je hebt het formulier vaak verstuurd. Probeer het over 1 minuut opnieuw." in page
    assert AccountRequest.objects.count() == 0
    assert not documents.exists() or list(documents.iterdir()) == []
    assert not AuditEvent.objects.filter(action="school_request.submitted").exists()
    assert len(mail.outbox) == 0
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _submit(other)[0] == 200
    assert AccountRequest.objects.count() == 1
