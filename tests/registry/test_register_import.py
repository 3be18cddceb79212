"""Applying the register: names and boards updated, new locations available, gone ones flagged (not
deleted), code changes proposed and kept under the same account and INSTELLING_REF, manual locations
untouched, refused files change nothing, queries independent of the number of rows."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klaspoort.audit.models import AuditEvent
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.duo_sample import SampleLocation, numbered_locations, sample_register
from klaspoort.registry.models import CodeChange, RegisterImport, RegisterLocation, SchoolLocation
from klaspoort.registry.register_import import CodeChangeError, do_change_school_code, do_import_register

pytestmark = pytest.mark.django_db

FIRST = [
    SampleLocation("12AB00", "De Eekhoorn", board="41234", postcode="3511 AB"),
    SampleLocation("34CD00", "De Klimop", board="41234", postcode="3512 CD"),
    SampleLocation("56EF00", "Het Anker", board="55555", postcode="3513 EF"),
]


def _state() -> list[tuple[object, ...]]:
    return [
        *RegisterLocation.objects.order_by("brin").values_list("brin", "name", "board_number", "in_register"),
        *SchoolLocation.objects.order_by("pk").values_list(
            "brin", "location_code", "name", "board_id", "register_gone_at"
        ),
    ]


def test_first_import_makes_locations_available() -> None:
    run = do_import_register(sample_register(FIRST), file_name="vestigingen.csv", actor="test")
    assert run.status == RegisterImport.Status.APPLIED
    assert run.counts == {
        "locations": 3, "added": 3, "updated": 0, "gone": 0, "schools_updated": 0, "schools_gone": 0, "code_changes": 0,
    }  # fmt: skip
    assert sorted(RegisterLocation.objects.values_list("brin", "location_code", "name")) == [
        ("12AB", "00", "De Eekhoorn"), ("34CD", "00", "De Klimop"), ("56EF", "00", "Het Anker"),
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="register.import")
    assert event.actor == "test"
    assert event.data["counts"]["added"] == 3


def test_names_and_boards_of_school_accounts_follow_the_register() -> None:
    school = do_register_school("12AB00", name="Eekhoorn (oude naam)", board_number="99999")
    manual = do_register_school("99ZZ00", name="Nederlandse school Brussel", kind=SchoolLocation.Kind.MANUAL)
    do_import_register(sample_register(FIRST), actor="test")
    school.refresh_from_db()
    assert school.name == "De Eekhoorn"
    assert school.board is not None
    assert school.board.number == "41234"
    manual.refresh_from_db()
    assert (manual.name, manual.register_gone_at) == ("Nederlandse school Brussel", None)


def test_gone_locations_are_flagged_not_deleted() -> None:
    school = do_register_school("56EF00", name="Het Anker", board_number="55555")
    do_import_register(sample_register(FIRST), actor="test")
    run = do_import_register(sample_register(FIRST[:2]), actor="test")
    assert run.counts["gone"] == 1
    assert run.counts["schools_gone"] == 1
    gone = RegisterLocation.objects.get(brin="56EF")
    assert (gone.in_register, gone.gone_since is not None) == (False, True)
    school.refresh_from_db()
    assert school.register_gone_at is not None
    assert school.active  # still an account: flagged, not closed
    back = do_import_register(sample_register(FIRST), actor="test")
    assert back.counts["updated"] == 1
    school.refresh_from_db()
    assert school.register_gone_at is None


def test_new_brin_is_proposed_and_keeps_the_account() -> None:
    do_import_register(sample_register(FIRST), actor="test")
    school = do_register_school("56EF00", name="Het Anker", board_number="55555")
    ref = school.instelling_ref
    moved = [*FIRST[:2], SampleLocation("78GH00", "Het Anker", board="55555", postcode="3513 EF")]
    run = do_import_register(sample_register(moved), actor="test")
    assert run.counts["code_changes"] == 1
    change = CodeChange.objects.get()
    assert (change.old_code, change.new_code, change.status) == ("56EF00", "78GH00", "proposed")
    school.refresh_from_db()
    assert school.code == "56EF00"  # nothing moves before an operator confirms
    do_change_school_code(school, change.new_code, actor="account:op")
    school.refresh_from_db()
    assert (school.code, school.instelling_ref, school.register_gone_at) == ("78GH00", ref, None)
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("confirmed", "account:op")
    event = AuditEvent.objects.get(action="school.code_changed")
    assert event.data == {"old_code": "56EF00", "new_code": "78GH00"}


def test_ambiguous_mapping_is_not_proposed() -> None:
    do_import_register(sample_register(FIRST), actor="test")
    do_register_school("56EF00", name="Het Anker", board_number="55555")
    two = [
        *FIRST[:2],
        SampleLocation("78GH00", "Het Anker", board="55555"),
        SampleLocation("90IJ00", "Het Anker", board="55555"),
    ]
    assert do_import_register(sample_register(two), actor="test").counts["code_changes"] == 0


def test_code_change_needs_a_free_register_code() -> None:
    do_import_register(sample_register(FIRST), actor="test")
    school = do_register_school("12AB00", name="De Eekhoorn")
    do_register_school("34CD00", name="De Klimop")
    with pytest.raises(CodeChangeError, match=r"^78GH00 staat niet in het register\.$"):
        do_change_school_code(school, "78GH00", actor="test")
    with pytest.raises(CodeChangeError, match=r"^34CD00 hoort al bij een ander schoolaccount\.$"):
        do_change_school_code(school, "34CD00", actor="test")
    school.refresh_from_db()
    assert school.code == "12AB00"


def test_refused_file_changes_nothing() -> None:
    do_register_school("12AB00", name="Oude naam", board_number="99999")
    do_import_register(sample_register(FIRST[1:]), actor="test")
    before = _state()
    bad = sample_register([*FIRST, SampleLocation("34CD00", "Dubbel")])
    run = do_import_register(bad, file_name="fout.csv", actor="test")
    assert run.status == RegisterImport.Status.REFUSED
    assert run.problems == [{"line": 5, "message": "vestigingscode 34CD00 staat ook op regel 3."}]
    assert _state() == before
    assert AuditEvent.objects.filter(action="register.import", outcome="refused").count() == 1


def _queries(count: int) -> int:
    data = sample_register(numbered_locations(count))
    with CaptureQueriesContext(connection) as queries:
        do_import_register(data, actor="test")
    return len(queries)


def test_queries_do_not_grow_with_the_file() -> None:
    small = _queries(20)
    RegisterLocation.objects.all().delete()
    assert _queries(400) == small


def test_command_imports_a_file(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "vestigingen.csv"
    path.write_bytes(sample_register(FIRST, naming="new", encoding="utf-8-sig"))
    call_command("import_register", str(path))
    assert capsys.readouterr().out.startswith("locations=3 added=3 updated=0 gone=0")
    bad = Path(str(tmp_path)) / "fout.csv"
    bad.write_bytes(b"A;B\r\n1;2\r\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_register", str(bad))
    assert exit_info.value.code == 1
    assert "Het registerbestand is geweigerd; er is niets veranderd." in capsys.readouterr().err
    with pytest.raises(SystemExit):
        call_command("import_register", str(bad), language="en")
    assert "The register file was refused; nothing has changed." in capsys.readouterr().err
