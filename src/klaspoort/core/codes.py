"""Validators and normalisers for the identifiers of the Dutch school world (pure functions)."""

from __future__ import annotations

import re

from django.utils.translation import gettext

BRIN_RE = re.compile(r"^\d{2}[A-Z]{2}$")
LOCATION_CODE_RE = re.compile(r"^\d{2}$")
SCHOOL_CODE_RE = re.compile(r"^(\d{2}[A-Z]{2})(\d{2})$")
BOARD_NUMBER_RE = re.compile(r"^\d{5}$")
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
ECK_ID_RE = re.compile(r"^https://[a-z0-9.-]+(/[A-Za-z0-9._~-]+)+$")


class CodeError(ValueError):
    """A code does not have the required form; the message is fit for users."""


def split_school_code(code: str) -> tuple[str, str]:
    """`12AB00` -> (`12AB`, `00`); a bare BRIN (`12AB`) means location `00`."""
    value = code.strip().upper()
    if BRIN_RE.match(value):
        return value, "00"
    match = SCHOOL_CODE_RE.match(value)
    if not match:
        raise CodeError(
            gettext(
                "'%(code)s' is geen geldige schoolcode: verwacht 2 cijfers, 2 hoofdletters en 2 cijfers, "
                "bijv. 12AB00."
            )
            % {"code": code}
        )
    return match.group(1), match.group(2)


def parse_school_year(label: str) -> int:
    """`2026-2027` -> 2026. Years must be consecutive."""
    match = SCHOOL_YEAR_RE.match(label.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise CodeError(
            gettext(
                "'%(label)s' is geen geldig schooljaar: verwacht twee opeenvolgende jaren, bijv. 2026-2027."
            )
            % {"label": label}
        )
    return int(match.group(1))


def school_year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def validate_board_number(number: str) -> str:
    value = number.strip()
    if not BOARD_NUMBER_RE.match(value):
        raise CodeError(
            gettext("'%(number)s' is geen geldig bestuursnummer: verwacht 5 cijfers.") % {"number": number}
        )
    return value
