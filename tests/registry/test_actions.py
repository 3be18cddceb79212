from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from klaspoort.audit.models import AuditEvent
from klaspoort.registry.actions import RegistrationError, do_register_school, find_school
from klaspoort.registry.models import Board, SchoolLocation

pytestmark = pytest.mark.django_db


def test_register_school_creates_location_board_and_unique_reference() -> None:
    first = do_register_school("12AB00", name="De Regenboog", board_number="12345", board_name="Stichting A")
    second = do_register_school("12AB01", name="De Regenboog Oost", board_number="12345")

    assert (first.brin, first.location_code, first.code) == ("12AB", "00", "12AB00")
    assert first.board == second.board
    assert Board.objects.get().name == "Stichting A"
    assert first.instelling_ref != second.instelling_ref
    assert AuditEvent.objects.filter(action="school.registered").count() == 2


def test_bare_brin_means_main_location() -> None:
    school = do_register_school("34CD", name="Het Anker")
    assert school.code == "34CD00"
    assert find_school("34cd00") == school


@pytest.mark.parametrize(
    ("code", "board", "message"),
    [
        ("12A", None, "geen geldige schoolcode"),
        ("1234AB", None, "geen geldige schoolcode"),
        ("12AB00", "1234", "geen geldig bestuursnummer"),
    ],
)
def test_bad_codes_are_refused_and_nothing_is_stored(code: str, board: str | None, message: str) -> None:
    with pytest.raises(RegistrationError, match=message):
        do_register_school(code, name="X", board_number=board)
    assert SchoolLocation.objects.count() == 0
    assert Board.objects.count() == 0


def test_duplicate_school_is_refused() -> None:
    do_register_school("12AB00", name="De Regenboog")
    with pytest.raises(RegistrationError, match="al geregistreerd"):
        do_register_school("12AB00", name="Ander")
    assert list(SchoolLocation.objects.values_list("name", flat=True)) == ["De Regenboog"]


def test_register_school_command(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("register_school", "56EF02", "--name", "De Linde", "--board", "54321", "--board-name", "B")
    school = SchoolLocation.objects.get()
    assert capsys.readouterr().out.strip() == f"56EF02 De Linde INSTELLING_REF={school.instelling_ref}"
    with pytest.raises(CommandError, match="al geregistreerd"):
        call_command("register_school", "56EF02", "--name", "Nog een")
    assert SchoolLocation.objects.count() == 1
