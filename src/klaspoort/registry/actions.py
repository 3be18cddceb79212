"""State changes of the register (do_* actions)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext

from klaspoort.audit.events import record_event
from klaspoort.core.codes import CodeError, split_school_code, validate_board_number
from klaspoort.registry.models import Board, RetiredInstellingRef, SchoolLocation


class RegistrationError(ValueError):
    """The school cannot be registered; the message says why."""


def _fresh_instelling_ref() -> uuid.UUID:
    while True:
        candidate = uuid.uuid4()
        if not (
            SchoolLocation.objects.filter(instelling_ref=candidate).exists()
            or RetiredInstellingRef.objects.filter(instelling_ref=candidate).exists()
        ):
            return candidate


@transaction.atomic
def do_register_school(
    code: str,
    *,
    name: str,
    board_number: str | None = None,
    board_name: str | None = None,
    kind: str = SchoolLocation.Kind.REGISTER,
    instellingsnummer: str | None = None,
    actor: str = "",
) -> SchoolLocation:
    try:
        brin, location_code = split_school_code(code)
        board_value = validate_board_number(board_number) if board_number else None
    except CodeError as exc:
        raise RegistrationError(str(exc)) from exc
    if not name.strip():
        raise RegistrationError(gettext("Geef de officiële naam van de school op."))
    if SchoolLocation.objects.filter(brin=brin, location_code=location_code).exists():
        raise RegistrationError(
            gettext("School %(code)s is al geregistreerd.") % {"code": brin + location_code}
        )
    board = None
    if board_value:
        board, created = Board.objects.get_or_create(
            number=board_value, defaults={"name": (board_name or "").strip() or board_value}
        )
        if not created and board_name and board.name != board_name.strip():
            board.name = board_name.strip()
            board.save(update_fields=["name"])
    school = SchoolLocation.objects.create(
        brin=brin,
        location_code=location_code,
        name=name.strip(),
        kind=kind,
        board=board,
        instellingsnummer=instellingsnummer or None,
        instelling_ref=_fresh_instelling_ref(),
    )
    record_event(
        "school.registered", actor=actor, subject=f"school:{school.code}", school_ref=school.instelling_ref
    )
    return school


def find_school(code: str) -> SchoolLocation | None:
    try:
        brin, location_code = split_school_code(code)
    except CodeError:
        return None
    return (
        SchoolLocation.objects.filter(brin=brin, location_code=location_code).select_related("board").first()
    )
