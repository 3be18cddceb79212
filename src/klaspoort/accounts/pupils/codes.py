"""Pupil login codes (pure functions): 4-digit PINs and two-picture passwords.

A PIN must not be trivial. Refused, with the reason shown to the teacher:
- all four digits the same: 0000, 1111, … 9999
- a straight run up or down, also running over 9/0: 0123 … 6789, 7890, 8901, 9012 and
  3210 … 9876, 0987, 1098, 2109
- a repeated pair: 1212, 6969, 1010 (abab) or doubled digits: 1122, 0011 (aabb)
- a year 1900-2099 (birth years, 2000, 2001, 2020, …)
- a line on the keypad, or a known favourite: see COMMON_PINS

A picture password is two different pictures, in order, out of the nine PASSWORD_KEYS
(9 x 8 = 72 sequences): simple enough for a 4-year-old, and throttled per pupil (throttle.py).
"""

from __future__ import annotations

import itertools
import secrets
from enum import StrEnum

from django.utils.translation import gettext as _

from klaspoort.accounts.pupils.pictures import PASSWORD_KEYS

PIN_LENGTH = 4

COMMON_PINS = frozenset(
    {
        # keypad columns, diagonals and corners, both directions
        "2580", "0852", "1470", "0741", "3690", "0963", "1590", "0951", "3570", "0753",
        "1357", "7531", "2468", "8642", "1379", "9731", "1397", "7931", "3197", "7913",
        # long-standing favourites in leaked PIN lists
        "1004", "0007", "5683", "1337", "4200", "0070", "1231", "1230",
    }
)  # fmt: skip


class CodeKind(StrEnum):
    PIN = "pin"
    PICTURES = "pictures"


# Year groups whose pupils get a picture password by default (groups 1-3 and younger).
PICTURE_YEAR_GROUPS = frozenset({"B", "D", "0", "1", "2", "3"})


def default_kind(year_group: str) -> CodeKind:
    return CodeKind.PICTURES if year_group.strip().upper() in PICTURE_YEAR_GROUPS else CodeKind.PIN


def _is_run(digits: list[int]) -> bool:
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})


def pin_problem(pin: str) -> str | None:
    """Why `pin` may not be used (a Dutch sentence), or None when it is fine."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        return _("Een pincode bestaat uit precies 4 cijfers.")
    digits = [int(char) for char in pin]
    if len(set(pin)) == 1:
        return _("Vier dezelfde cijfers zijn te makkelijk te raden.")
    if _is_run(digits):
        return _("Een reeks oplopende of aflopende cijfers is te makkelijk te raden.")
    if pin[:2] == pin[2:]:
        return _("Een herhaald paar cijfers is te makkelijk te raden.")
    if pin[0] == pin[1] and pin[2] == pin[3]:
        return _("Twee keer twee dezelfde cijfers is te makkelijk te raden.")
    if pin[:2] in ("19", "20"):
        return _("Een jaartal is te makkelijk te raden.")
    if pin in COMMON_PINS:
        return _("Deze pincode wordt veel gebruikt en is daardoor te makkelijk te raden.")
    return None


def generate_pin() -> str:
    while True:
        candidate = f"{secrets.randbelow(10**PIN_LENGTH):04d}"
        if pin_problem(candidate) is None:
            return candidate


def generate_picture_password() -> str:
    first, second = secrets.SystemRandom().sample(PASSWORD_KEYS, 2)
    return f"{first},{second}"


def picture_password_problem(value: str) -> str | None:
    parts = value.split(",")
    if len(parts) != 2 or any(part not in PASSWORD_KEYS for part in parts):
        return _("Een wachtwoordplaatje bestaat uit twee plaatjes uit de negen.")
    if parts[0] == parts[1]:
        return _("Kies twee verschillende plaatjes.")
    return None


def generate_code(kind: CodeKind) -> str:
    return generate_pin() if kind == CodeKind.PIN else generate_picture_password()


def code_problem(kind: CodeKind, value: str) -> str | None:
    return pin_problem(value) if kind == CodeKind.PIN else picture_password_problem(value)


def normalise_submission(kind: CodeKind, submitted: str) -> str:
    """What a pupil typed or tapped, in stored form (spaces dropped; picture keys lower-case)."""
    if kind == CodeKind.PIN:
        return "".join(submitted.split())
    return ",".join(part.strip().lower() for part in submitted.split(","))
