"""The register in the console: upload, refusal with line numbers, confirming a code change, a
location kept by hand; every action audited with the operator."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.duo_sample import SampleLocation, sample_register
from klaspoort.registry.models import CodeChange, RegisterImport, RegisterLocation, SchoolLocation
from tests.operator.conftest import actor

FILE = [SampleLocation("12AB00", "De Eekhoorn", board="41234"), SampleLocation("34CD00", "De Klimop")]


def _upload(console: Client, data: bytes, name: str = "vestigingen.csv") -> str:
    response = console.post("/beheer/register/", {"file": SimpleUploadedFile(name, data, "text/csv")})
    assert response.status_code == 302
    return console.get(response["Location"]).content.decode()


def test_upload_applies_and_is_audited(console: Client, operator: Account) -> None:
    page = _upload(console, sample_register(FILE, naming="new", encoding="utf-8-sig"))
    assert "Nieuw in het register</dt><dd>2</dd>" in page
    assert RegisterLocation.objects.count() == 2
    assert RegisterImport.objects.get().actor == actor(operator)
    assert AuditEvent.objects.get(action="register.import").actor == actor(operator)


def test_refused_upload_lists_lines_and_changes_nothing(console: Client) -> None:
    page = _upload(console, sample_register([*FILE, SampleLocation("12AB00", "Dubbel")]))
    assert "Het bestand is geweigerd; er is niets veranderd." in page
    assert "regel 4: vestigingscode 12AB00 staat ook op regel 2." in page
    assert RegisterLocation.objects.count() == 0


def test_confirm_code_change(console: Client, operator: Account) -> None:
    _upload(console, sample_register(FILE))
    school = do_register_school("34CD00", name="De Klimop", board_number="10001")
    ref = school.instelling_ref
    _upload(console, sample_register([FILE[0], SampleLocation("78GH00", "De Klimop")]))
    change = CodeChange.objects.get()
    register_page = console.get("/beheer/register/").content.decode()
    assert "78GH00" in register_page
    response = console.post(f"/beheer/register/wijziging/{change.pk}/", {"decision": "confirm"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.code, school.instelling_ref) == ("78GH00", ref)
    assert AuditEvent.objects.get(action="school.code_changed").actor == actor(operator)
    again = console.post(f"/beheer/register/wijziging/{change.pk}/", {"decision": "confirm"}, follow=True)
    assert "Over deze codewijziging is al beslist." in again.content.decode()


def test_manual_location(console: Client, operator: Account) -> None:
    response = console.post(
        "/beheer/register/handmatig/",
        {"code": "99ZZ00", "name": "Nederlandse school Brussel", "board_number": ""},
    )
    assert response.status_code == 302
    school = SchoolLocation.objects.get(brin="99ZZ")
    assert school.kind == SchoolLocation.Kind.MANUAL
    assert AuditEvent.objects.get(action="school.registered").actor == actor(operator)
    twice = console.post("/beheer/register/handmatig/", {"code": "99ZZ00", "name": "Nog eens"})
    assert twice.status_code == 400
    assert "School 99ZZ00 is al geregistreerd." in twice.content.decode()
    assert SchoolLocation.objects.filter(brin="99ZZ").count() == 1
