"""School account requests (A4): the public form's checks and the request's record.

check_request(data) -> list[(field, message)]    BRIN/location and board against the register
do_submit_request(data, pdf) -> AccountRequest    anyone may submit; raises RequestRefused
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.audit.events import record_event
from klaspoort.core.codes import CodeError, split_school_code
from klaspoort.operator import documents
from klaspoort.operator.models import AccountRequest
from klaspoort.registry.models import RegisterLocation, SchoolLocation

FIELDS = (
    "board_number", "board_name", "school_name", "school_code", "director_name", "director_email",
    "director_phone", "admin_first_name", "admin_infix", "admin_surname", "admin_email",
)  # fmt: skip


class RequestRefused(ValueError):
    """The request cannot be taken; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _field, message in problems))
        self.problems = problems


def check_request(data: Mapping[str, Any], *, request: AccountRequest | None = None) -> list[tuple[str, str]]:
    """Problems with a request's school and board (none: it may go ahead). `request`: the request
    being decided, which does not count as another pending one."""
    problems: list[tuple[str, str]] = []
    try:
        brin, location_code = split_school_code(str(data.get("school_code", "")))
    except CodeError:
        return [("school_code", _("Vul de BRIN en het vestigingsnummer in, bijvoorbeeld 12AB00."))]
    location = RegisterLocation.objects.filter(
        brin=brin, location_code=location_code, in_register=True
    ).first()
    board = str(data.get("board_number", "")).strip()
    if location is None:
        problems.append(
            (
                "school_code",
                _("%(code)s staat niet in het register van DUO.") % {"code": brin + location_code},
            )
        )
    elif location.board_number != board:
        known = RegisterLocation.objects.filter(board_number=board).exists()
        problems.append(
            (
                "board_number",
                _("Volgens het register hoort %(code)s bij bestuur %(board)s.")
                % {"code": location.code, "board": location.board_number}
                if known
                else _("Bestuur %(board)s kennen we niet uit het register.") % {"board": board},
            )
        )
    code = brin + location_code
    others = AccountRequest.objects.filter(school_code=code, status=AccountRequest.Status.PENDING)
    if request is not None:
        others = others.exclude(pk=request.pk)
    if SchoolLocation.objects.filter(brin=brin, location_code=location_code).exists():
        problems.append(("school_code", _("Deze school heeft al een account bij klaspoort.")))
    elif others.exists():
        problems.append(("school_code", _("Voor deze school loopt al een aanvraag.")))
    return problems


def do_submit_request(data: Mapping[str, Any], pdf: bytes, *, client_ip: str | None = None) -> AccountRequest:
    problems = check_request(data)
    checked = documents.check_pdf(pdf)
    if checked.problem:
        problems.append(("signed_request", checked.problem))
    if problems:
        record_event("school_request.refused", outcome="denied", client_ip=client_ip, problems=len(problems))
        raise RequestRefused(problems)
    stored = documents.store(pdf)
    values = {name: str(data.get(name, "")).strip() for name in FIELDS}
    values["school_code"] = values["school_code"].upper()
    with transaction.atomic():
        request = AccountRequest.objects.create(
            **values, document=stored.name, document_sha256=stored.sha256, document_pages=checked.pages
        )
        record_event(
            "school_request.submitted",
            subject=f"request:{request.uuid}",
            client_ip=client_ip,
            code=request.school_code,
        )
    return request
