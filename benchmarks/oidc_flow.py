"""The relying party's side of an OpenID Connect code flow with PKCE, shared by `sso_bench.py` and
its peer `peers/dot_bench.py` (no Django here: each benchmark runs its own project)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(client_id: str, redirect_uri: str, number: int, challenge: str) -> str:
    return urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile",
            "state": f"s{number}",
            "nonce": f"n{number}",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )


def code_of(status: int, location: str, redirect_uri: str) -> str:
    if status != 302 or not location.startswith(redirect_uri):
        raise RuntimeError(f"authorize answered {status} {location}")
    return parse_qs(urlsplit(location).query)["code"][0]


def token_form(code: str, verifier: str, redirect_uri: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
