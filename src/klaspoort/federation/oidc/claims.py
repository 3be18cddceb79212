"""OIDC claims from a `Released` set (pure), and the user object Authlib carries through a grant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from klaspoort.accounts.principal import Principal
from klaspoort.federation.disclosure import Released
from klaspoort.federation.keyed_hash import keyed_digest
from klaspoort.federation.models import ECK_ID, NAMES

# Which optional consent categories an OIDC scope asks for.
SCOPE_CATEGORIES = {"profile": NAMES, "eck_id": ECK_ID}


def requested_categories(scopes: Iterable[str]) -> frozenset[str]:
    return frozenset(SCOPE_CATEGORIES[s] for s in scopes if s in SCOPE_CATEGORIES)


def oidc_claims(released: Released) -> dict[str, Any]:
    """`sub`, `role`, `school`, `groups`; with consent `given_name`, `infix`, `family_name`, `name`,
    `eck_id`. `family_name` is the surname without its infix (tussenvoegsel); `name` is the full name."""
    claims: dict[str, Any] = {
        "sub": released.sub,
        "role": released.role,
        "school": {
            "instelling_ref": released.school.instelling_ref,
            "brin": released.school.brin,
            "location_code": released.school.location_code,
            "name": released.school.name,
        },
        "groups": [{"id": g.id, "name": g.name, "year_group": g.year_group} for g in released.groups],
    }
    if released.given_name is not None:
        claims["given_name"] = released.given_name
        claims["infix"] = released.infix or ""
        claims["family_name"] = released.family_name or ""
        claims["name"] = " ".join(p for p in (released.given_name, released.infix, released.family_name) if p)
    if released.eck_id is not None:
        claims["eck_id"] = released.eck_id
    return claims


def op_session_of(principal: Principal) -> str:
    """Identifies one login (OP session) without storing the session key, which rotates."""
    value = "|".join(
        (
            principal.kind,
            str(principal.person),
            str(principal.school),
            str(principal.account),
            str(principal.auth_time),
        )
    )
    return keyed_digest(value, "oidc-op-session")


def sid_for(op_session: str, client_id: str) -> str:
    """The session id one app sees: different per app, so apps cannot link users through it."""
    return keyed_digest(f"{op_session}|{client_id}", "oidc-sid")[:32]


@dataclass(frozen=True)
class AuthorizedUser:
    """The end user inside an Authlib grant: who, what may be released, and the session ids."""

    principal: Principal
    released: Released
    op_session: str
    sid: str
    handle: str = ""
