"""Secrets of two-factor sign-in: TOTP secrets encrypted at rest, recovery codes as keyed hashes.

The key is settings.TWOFACTOR_KEY (environment KLASPOORT_TWOFACTOR_KEY; development: under var/).
Losing it makes enrolled devices and recovery codes unusable (people enrol again); it is not the
SECRET_KEY, so rotating that one changes nothing here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from cryptography.fernet import Fernet
from django.conf import settings

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_CODE_COUNT = 10


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"klaspoort.twofactor.{purpose}:{settings.TWOFACTOR_KEY}".encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key("seal")))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes like `k7pqm-3xrta` (about 49 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_digest(account_uuid: uuid.UUID, code: str) -> str:
    message = f"{account_uuid}:{normalise_recovery_code(code)}".encode()
    return hmac.new(_key("recovery"), message, hashlib.sha256).hexdigest()
