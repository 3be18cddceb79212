"""Start-up check: the pupil code keys must be valid Fernet keys."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_pupil_code_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    keys = getattr(settings, "PUPIL_CODE_KEYS", [])
    if not keys:
        errors.append(Error("KLASPOORT_PUPIL_CODE_KEY is empty.", id="pupil_accounts.E001"))
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"Key {position} in KLASPOORT_PUPIL_CODE_KEY is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint="Create one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'",
                    id="pupil_accounts.E002",
                )
            )
    return errors
