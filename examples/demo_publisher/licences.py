"""The licence endpoint: verify the platform's licence request, answer with our products.

This is what a publisher implements (docs/partners/licences.md): check the JWT's signature against
the platform's JWKS, its type, issuer, audience, lifetime, purpose and that its `jti` is new; then
look up the licences of the pseudonymous user and answer with products, or, for the school's
licence overview (`purpose` "school_licences"), the products with their groups and head counts.
The demo licenses every product to every user of a school; the platform filters by role and
context itself.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from catalogue import DemoPublisher
from joserfc import jwt
from joserfc.errors import JoseError
from platform_client import Platform

TOKEN_TYPE = "licence-request+jwt"
PURPOSES = ("licence", "school_licences")
LEEWAY = 30


class LicenceRequestInvalid(Exception):
    pass


class ReplayCache:
    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, jti: str, expires: float) -> bool:
        now = time.time()
        with self._lock:
            self._seen = {key: until for key, until in self._seen.items() if until > now}
            if jti in self._seen:
                return False
            self._seen[jti] = expires + LEEWAY
            return True


def verify_licence_request(
    token: str, platform: Platform, audience: str, replay: ReplayCache
) -> dict[str, Any]:
    """The verified claims, or LicenceRequestInvalid."""
    try:
        try:
            decoded = jwt.decode(token, platform.keys(), algorithms=["ES256"])
        except JoseError:
            decoded = jwt.decode(token, platform.keys(refresh=True), algorithms=["ES256"])
    except (JoseError, ValueError) as error:
        raise LicenceRequestInvalid(f"signature: {error}") from None
    if decoded.header.get("typ") != TOKEN_TYPE:
        raise LicenceRequestInvalid("wrong token type")
    claims = decoded.claims
    now = time.time()
    checks = {
        "issuer": claims.get("iss") == platform.issuer,
        "audience": claims.get("aud") == audience,
        "purpose": claims.get("purpose") in PURPOSES,
        "expiry": isinstance(claims.get("exp"), int) and claims["exp"] + LEEWAY > now,
        "issued at": isinstance(claims.get("iat"), int) and claims["iat"] - LEEWAY < now,
        # A person's licence request names the person; the school's overview names nobody.
        "subject": (isinstance(claims.get("sub"), str) and bool(claims["sub"]))
        if claims.get("purpose") == "licence"
        else "sub" not in claims,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise LicenceRequestInvalid("bad " + ", ".join(failed))
    jti = claims.get("jti")
    if not isinstance(jti, str) or not replay.first_use(jti, float(claims["exp"])):
        raise LicenceRequestInvalid("jti missing or used before")
    return dict(claims)


def licence_answer(publisher: DemoPublisher, base_url: str, claims: dict[str, Any]) -> dict[str, Any]:
    products = []
    for product in publisher.products:
        method = product.method or publisher.mode
        products.append(
            {
                "id": product.id,
                "name": product.name,
                "icon_url": f"{base_url}/icons/{product.id}.svg",
                "audience": product.audience,
                "allowed_at_home": product.allowed_at_home,
                "launch_method": method,
                "launch_url": base_url + product.path,
                **({"admin_url": f"{base_url}/beheer"} if product.audience != "pupil" else {}),
            }
        )
    return {"products": products}


def school_licence_answer(publisher: DemoPublisher, claims: dict[str, Any]) -> dict[str, Any]:
    """The school's licence overview: every product licensed to every group the request names.
    A real publisher counts its own licences; the demo makes up a steady number per group."""
    groups = [group for group in claims.get("groups", []) if isinstance(group, dict)]
    counts = [
        {"id": group["id"], "pupils": 18 + sum(map(ord, str(group["id"]))) % 12, "teachers": 1}
        for group in groups
    ]
    products = []
    for product in publisher.products:
        pupils = 0 if product.audience == "teacher" else sum(count["pupils"] for count in counts)
        products.append(
            {
                "id": product.id,
                "name": product.name,
                "audience": product.audience,
                "pupils": pupils,
                "teachers": len(counts),
                "groups": [
                    {**count, "pupils": 0 if product.audience == "teacher" else count["pupils"]}
                    for count in counts
                ],
            }
        )
    return {"products": products}
