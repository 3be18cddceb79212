"""Password policy (C3): at least 8 characters with a letter and a digit, up to 1024 characters
(passphrases welcome), not a common password, not containing the name part of the email address.
Passwords never expire.

    password_problems(password, *, email="") -> list[str]     the rules a password breaks (messages)
    validate_new_password(password, *, email="") -> None       raises ValidationError with those messages

The classes below are Django password validators (AUTH_PASSWORD_VALIDATORS uses them), so
Django's own tools (`changepassword`) apply the same rules.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 1024
# A piece of the email's name part this long or longer may not appear in the password.
MIN_NAME_PIECE = 4


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                _("Je wachtwoord is te kort: gebruik minstens %(min)d tekens.") % {"min": MIN_LENGTH},
                code="password_too_short",
            )
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                _("Je wachtwoord is te lang: gebruik hoogstens %(max)d tekens.") % {"max": MAX_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Minstens %(min)d tekens; een lange zin mag ook.") % {"min": MIN_LENGTH}


class LetterAndDigitValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
            raise ValidationError(
                _("Gebruik in je wachtwoord minstens één letter en één cijfer."), code="password_letter_digit"
            )

    def get_help_text(self) -> str:
        return _("Minstens één letter en één cijfer.")


class EmailNameValidator:
    """The name part of the address (before @), or a piece of it of 4+ characters, may not appear."""

    def validate(self, password: str, user: Any = None) -> None:
        email = getattr(user, "email", "") or ""
        if contains_email_name(password, email):
            raise ValidationError(
                _("Je wachtwoord mag je e-mailnaam niet bevatten."), code="password_contains_email"
            )

    def get_help_text(self) -> str:
        return _("Niet het deel van je e-mailadres vóór de @.")


def contains_email_name(password: str, email: str) -> bool:
    local = email.split("@", 1)[0].strip().lower()
    if not local:
        return False
    lowered = password.lower()
    pieces = [local] if len(local) >= 3 else []
    pieces += [piece for piece in re.split(r"[._+\-]", local) if len(piece) >= MIN_NAME_PIECE]
    return any(piece in lowered for piece in pieces)


@cache
def _common() -> CommonPasswordValidator:
    return CommonPasswordValidator()


class _EmailHolder:
    def __init__(self, email: str) -> None:
        self.email = email


def password_problems(password: str, *, email: str = "") -> list[str]:
    problems: list[str] = []
    holder = _EmailHolder(email)
    for validator in (LengthValidator(), LetterAndDigitValidator(), _common(), EmailNameValidator()):
        try:
            validator.validate(password, holder)  # type: ignore[arg-type]
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


def validate_new_password(password: str, *, email: str = "") -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise ValidationError(problems)


def help_texts() -> list[str]:
    return [
        LengthValidator().get_help_text(),
        LetterAndDigitValidator().get_help_text(),
        _("Geen veelgebruikt wachtwoord."),
        EmailNameValidator().get_help_text(),
    ]
