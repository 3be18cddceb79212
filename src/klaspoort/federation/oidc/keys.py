"""Signing keys of the OpenID Connect provider and the JWKS endpoint (`/oidc/jwks/`).

Keys live only in the database; the private half is encrypted with a Fernet key derived (HKDF)
from KLASPOORT_FEDERATION_SECRET and is never served. ES256 signs by default; an RS256 key is
always published too, for apps that ask for it (`id_token_signed_response_alg`).

Rotation (`klaspoort rotate-keys`, `do_rotate_keys`): the new key is published at once but
signs only after `publish_ahead` seconds, so every worker and relying party has it before it
meets a token signed with it; the old key stops signing at that moment and stays published for
`retention` seconds more (longer than any token it signed lives). Each worker caches the keys
for at most KEY_CACHE_SECONDS, and never past the next planned change.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from joserfc.jwk import ECKey, KeyParameters, KeySet, RSAKey

from klaspoort.audit.events import record_event
from klaspoort.core.clock import now as clock_now
from klaspoort.federation.oidc.config import (
    DEFAULT_KEY_RETENTION,
    DEFAULT_PUBLISH_AHEAD,
    KEY_CACHE_SECONDS,
    SIGNING_ALGS,
)
from klaspoort.federation.oidc.models import SigningKey

SigningKeyObject = ECKey | RSAKey
logger = logging.getLogger("klaspoort.federation.oidc.keys")


class KeysUnavailable(RuntimeError):
    """The signing keys cannot be decrypted (another FEDERATION_SECRET): nothing can be signed."""


def _fernet() -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"klaspoort oidc signing keys"
    ).derive(settings.FEDERATION_SECRET.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _generate(alg: str) -> SigningKeyObject:
    parameters: KeyParameters = {"alg": alg, "use": "sig"}
    if alg == "ES256":
        key: SigningKeyObject = ECKey.generate_key("P-256", parameters=parameters, private=True)
    elif alg == "RS256":
        key = RSAKey.generate_key(2048, parameters=parameters, private=True)
    else:
        raise ValueError(f"unsupported signing algorithm {alg!r}")
    key.ensure_kid()
    return key


def _create_key(alg: str, signs_from: dt.datetime, created_at: dt.datetime) -> SigningKey:
    key = _generate(alg)
    private = json.dumps(key.as_dict(private=True)).encode()
    return SigningKey.objects.create(
        kid=str(key.kid),
        alg=alg,
        public_jwk=key.as_dict(private=False),
        private_jwk_encrypted=_fernet().encrypt(private).decode(),
        created_at=created_at,
        signs_from=signs_from,
    )


def _decrypt(row: SigningKey) -> SigningKeyObject:
    data = json.loads(_fernet().decrypt(row.private_jwk_encrypted.encode()))
    key = ECKey.import_key(data) if row.alg == "ES256" else RSAKey.import_key(data)
    return key


@dataclass(frozen=True)
class _KeyState:
    valid_until: dt.datetime
    signing: dict[str, SigningKeyObject]
    jwks: dict[str, list[dict[str, object]]]


_lock = threading.Lock()
_state: _KeyState | None = None


def clear_key_cache() -> None:
    global _state
    with _lock:
        _state = None


def _signs_at(row: SigningKey, moment: dt.datetime) -> bool:
    return row.signs_from <= moment and (row.retired_at is None or row.retired_at > moment)


def _load(moment: dt.datetime) -> _KeyState:
    rows = list(SigningKey.objects.filter(Q(published_until__isnull=True) | Q(published_until__gt=moment)))
    missing = [alg for alg in SIGNING_ALGS if not any(r.alg == alg and _signs_at(r, moment) for r in rows)]
    if missing:  # first start (or every key retired by hand): sign at once, nothing to announce
        for alg in missing:
            rows.append(_create_key(alg, signs_from=moment, created_at=moment))
    signing: dict[str, SigningKeyObject] = {}
    for alg in SIGNING_ALGS:
        current = max(
            (r for r in rows if r.alg == alg and _signs_at(r, moment)), key=lambda r: (r.signs_from, r.pk)
        )
        try:
            signing[alg] = _decrypt(current)
        except InvalidToken:
            # FEDERATION_SECRET is not the one the key was stored with: nothing can be signed, but
            # the public keys (no secret needed) are still published.
            logger.error(
                "oidc signing key %s (%s) cannot be decrypted: was it made with another FEDERATION_SECRET?",
                current.kid,
                alg,
            )
    changes = [r.signs_from for r in rows if r.signs_from > moment]
    changes += [r.retired_at for r in rows if r.retired_at and r.retired_at > moment]
    changes += [r.published_until for r in rows if r.published_until and r.published_until > moment]
    # Right after a first start several workers may each have made a key: look again soon, so
    # they all publish every key and agree on the newest one.
    cache_seconds = 2 if missing else KEY_CACHE_SECONDS
    valid_until = min([moment + dt.timedelta(seconds=cache_seconds), *changes])
    jwks = {"keys": [r.public_jwk for r in sorted(rows, key=lambda r: (r.alg, r.signs_from))]}
    return _KeyState(valid_until=valid_until, signing=signing, jwks=jwks)


def _current() -> _KeyState:
    global _state
    moment = clock_now()
    with _lock:
        if _state is None or _state.valid_until <= moment:
            _state = _load(moment)
        return _state


def signing_key(alg: str) -> SigningKeyObject:
    """The private key that signs with `alg` now (its `kid` is set)."""
    if alg not in SIGNING_ALGS:
        raise ValueError(f"unsupported signing algorithm {alg!r}")
    key = _current().signing.get(alg)
    if key is None:
        raise KeysUnavailable(f"no usable signing key for {alg}: see the log")
    return key


def public_jwks() -> dict[str, list[dict[str, object]]]:
    """Every published public key: the ones that sign, the announced and the retiring ones."""
    return _current().jwks


def verification_keys() -> KeySet:
    return KeySet.import_key_set(public_jwks())  # type: ignore[arg-type]


@transaction.atomic
def do_rotate_keys(
    *,
    publish_ahead: int = DEFAULT_PUBLISH_AHEAD,
    retention: int = DEFAULT_KEY_RETENTION,
    actor: str = "",
) -> list[SigningKey]:
    """Announce a new key per algorithm; see the module docstring. Returns the new keys."""
    moment = clock_now()
    signs_from = moment + dt.timedelta(seconds=publish_ahead)
    SigningKey.objects.filter(published_until__lte=moment).delete()
    new_keys = []
    for alg in SIGNING_ALGS:
        SigningKey.objects.filter(alg=alg, retired_at__isnull=True).update(
            retired_at=signs_from, published_until=signs_from + dt.timedelta(seconds=retention)
        )
        new_keys.append(_create_key(alg, signs_from=signs_from, created_at=moment))
    record_event(
        "oidc.keys_rotated",
        actor=actor,
        kids=[key.kid for key in new_keys],
        signs_from=signs_from.isoformat(),
    )
    transaction.on_commit(clear_key_cache)
    return new_keys


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(public_jwks())
    response["Cache-Control"] = f"public, max-age={KEY_CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
