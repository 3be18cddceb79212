"""Encryption of pupil login codes (E1: teachers must be able to read them, so we cannot hash).

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with keys from KLASPOORT_PUPIL_CODE_KEY;
several comma-separated keys allow rotation (MultiFernet: the first encrypts, all decrypt).
The plaintext binds the code to its pupil and kind (`<pupil uuid>|<kind>|<code>`), so a token
copied to another pupil's row, or a kind changed without a new code, does not verify.
See docs/security/pupil-codes.md.
"""

from __future__ import annotations

import hmac
import uuid
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableCode(ValueError):
    """The stored token cannot be decrypted with the configured keys, or belongs to someone else."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _fernet(tuple(settings.PUPIL_CODE_KEYS))


def seal(pupil_uuid: uuid.UUID, kind: str, code: str) -> str:
    return cipher().encrypt(f"{pupil_uuid}|{kind}|{code}".encode()).decode("ascii")


def unseal(token: str, pupil_uuid: uuid.UUID) -> tuple[str, str]:
    """(kind, code) of a stored token; raises UnreadableCode."""
    try:
        plain = cipher().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise UnreadableCode("pupil code cannot be decrypted with the configured keys") from exc
    owner, _sep, rest = plain.partition("|")
    kind, _sep, code = rest.partition("|")
    if not hmac.compare_digest(owner, str(pupil_uuid)):
        raise UnreadableCode("pupil code belongs to another pupil")
    return kind, code


def matches(token: str, pupil_uuid: uuid.UUID, kind: str, submitted: str) -> bool:
    """Does `submitted` equal the stored code? Constant-time comparison."""
    try:
        stored_kind, code = unseal(token, pupil_uuid)
    except UnreadableCode:
        return False
    same_code = hmac.compare_digest(code.encode(), submitted.encode())
    return same_code and stored_kind == kind


def rotate(token: str) -> str:
    """Re-encrypt with the newest key (after adding one in front of KLASPOORT_PUPIL_CODE_KEY)."""
    try:
        return cipher().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise UnreadableCode("pupil code cannot be decrypted with the configured keys") from exc
