"""Self-hosted proof-of-work challenge (ALTCHA format, made and checked with the `altcha` package).

The server signs a challenge: SHA-256(salt + n) for a secret random n ≤ max_number, with an expiry in
the salt. The browser (`static/klaspoort/challenge.js`, our own few lines using WebCrypto) tries
n = 0, 1, 2 … until the hash matches and posts the answer in the form field `altcha`; nothing is
loaded from another site. The server checks the signature, the expiry and that the answer was not
used before (single use, recorded in the shared cache with an atomic `add`).

    new_challenge(level=0) -> dict            for the page: algorithm, challenge, maxNumber, salt, signature
    verify_solution(payload, min_level=0) -> Verification  ok / missing / malformed / invalid / expired
                                              / used / weak

Adaptive cost (finding 9 of issue 12): a challenge of `level` n asks up to CHALLENGE_MAX_NUMBER * 2**n
hashes (on average half of that). The level is signed into the salt (`level=n`, next to the expiry),
so a cheap challenge fetched earlier cannot stand in for a dearer one: `verify_solution` answers
"weak" below `min_level`. The login throttle picks the level from the failure counts
(`accounts.throttle.challenge_level`); the first challenge an account meets has level 0.

The HMAC key is settings.CHALLENGE_HMAC_KEY (environment KLASPOORT_CHALLENGE_HMAC_KEY; a development
key is kept under var/). All workers must share it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

from altcha import ChallengeOptionsV1, PayloadV1, create_challenge_v1, extract_params_v1, verify_solution_v1
from django.conf import settings
from django.core.cache import caches

FIELD = "altcha"
LIFETIME_SECONDS = 600
MAX_PAYLOAD_CHARS = 1024
ALGORITHM: Final = "SHA-256"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX_FIELDS = ("challenge", "signature")

Outcome = Literal["ok", "missing", "malformed", "invalid", "expired", "used", "weak"]


@dataclass(frozen=True)
class Verification:
    outcome: Outcome

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _key() -> str:
    return str(settings.CHALLENGE_HMAC_KEY)


def cost(level: int) -> int:
    """The most hashes a challenge of `level` asks for."""
    return int(settings.CHALLENGE_MAX_NUMBER) * 2 ** max(level, 0)


def new_challenge(
    *, max_number: int | None = None, lifetime: int = LIFETIME_SECONDS, level: int = 0
) -> dict[str, Any]:
    """A signed challenge for one login attempt; it expires after `lifetime` seconds. `level` makes
    it 2**level times dearer (and is signed into it)."""
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            algorithm=ALGORITHM,
            max_number=max_number or cost(level),
            hmac_key=_key(),
            expires=dt.datetime.fromtimestamp(time.time() + lifetime, tz=dt.UTC),
            params={"level": str(max(level, 0))},
        )
    )
    return dict(challenge.to_dict())


def _decode(payload: str) -> dict[str, Any] | None:
    """The posted answer: base64 of a JSON object with exactly the expected, well-typed fields."""
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    number = data.get("number")
    salt = data.get("salt")
    well_formed = (
        data.get("algorithm") == ALGORITHM
        and isinstance(number, int)
        and not isinstance(number, bool)
        and number >= 0
        and isinstance(salt, str)
        and 0 < len(salt) <= 256
        and all(
            isinstance(data.get(name), str) and _HEX64.match(data[name])
            for name in ("challenge", "signature")
        )
    )
    return data if well_formed else None


def _number_param(data: dict[str, Any], name: str) -> int | None:
    values = extract_params_v1(data).get(name)  # type: ignore[arg-type]
    if not values or len(values) != 1 or not values[0].isdigit():
        return None
    return int(values[0])


def _expires(data: dict[str, Any]) -> int | None:
    return _number_param(data, "expires")


def verify_solution(payload: str | None, *, min_level: int = 0) -> Verification:
    """Check a posted answer; a good one is used up by this call (it never passes twice). One of a
    level below `min_level` (one without a level counts as level 0) is "weak" and not used up."""
    if not payload:
        return Verification("missing")
    if len(payload) > MAX_PAYLOAD_CHARS:
        return Verification("malformed")
    data = _decode(payload)
    if data is None:
        return Verification("malformed")
    expires = _expires(data)
    if expires is None:
        return Verification("invalid")  # we always sign an expiry; a challenge without one is not ours
    remaining = expires - time.time()
    ok, _error = verify_solution_v1(PayloadV1.from_dict(cast(Any, data)), _key(), check_expires=False)
    if not ok:
        return Verification("invalid")
    if remaining <= 0:
        return Verification("expired")
    if (_number_param(data, "level") or 0) < min_level:
        return Verification("weak")
    if not caches["default"].add(f"pow:used:{data['challenge']}", 1, int(remaining) + 5):
        return Verification("used")
    return Verification("ok")
