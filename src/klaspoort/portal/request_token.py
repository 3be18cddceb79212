"""The licence request: a short-lived JWT the platform signs for one publisher app (our protocol,
docs/partners/licences.md).

Its personal claims come only from `federation.disclosure.disclose_many` (purpose "licence", identity
only: pairwise `sub`, role, school, pairwise groups), which checks consent and writes the disclosure
record. The token is signed with the platform's OpenID Connect signing key (ES256), so publishers
verify it with our JWKS; header `typ` "licence-request+jwt" keeps it from being mistaken for an ID
token and the other way round.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any

from klaspoort.accounts.principal import Principal
from klaspoort.federation.disclosure import DisclosureRefused, Released, disclose_many
from klaspoort.federation.models import PartnerApp
from klaspoort.federation.oidc.claims import oidc_claims
from klaspoort.portal.signing import platform_issuer, sign_jwt

TOKEN_TYPE = "licence-request+jwt"  # noqa: S105 (a JWT "typ", not a secret)
LIFETIME_SECONDS = 60
PURPOSE = "licence"


def audience_of(app: PartnerApp) -> str:
    """Who the token is for: the app's OIDC client id, else its SAML entity id, else its slug."""
    return app.client_id or app.saml_entity_id or app.slug


def licence_claims(
    released: Released, *, issuer: str, audience: str, context: str, issued_at: int, jti: str
) -> dict[str, Any]:
    """The JWT claims (pure). Names and the ECK iD are never part of a licence request."""
    identity = oidc_claims(released)  # the same `sub`, `school` and `groups` as at sign-in
    return {
        "iss": issuer,
        "aud": audience,
        "sub": identity["sub"],
        "iat": issued_at,
        "exp": issued_at + LIFETIME_SECONDS,
        "jti": jti,
        "purpose": PURPOSE,
        "role": identity["role"],
        "context": context,
        "school": identity["school"],
        "groups": identity["groups"],
    }


def licence_request_tokens(principal: Principal, apps: Sequence[PartnerApp]) -> list[str | DisclosureRefused]:
    """Disclose to every app at once (checks consent, records it) and sign one token per app, in the
    order of `apps`; an app that may receive nothing gets its `DisclosureRefused` instead."""
    issuer = platform_issuer()
    issued_at = int(time.time())
    return [
        released
        if isinstance(released, DisclosureRefused)
        else sign_jwt(
            licence_claims(
                released,
                issuer=issuer,
                audience=audience_of(app),
                context=principal.context,
                issued_at=issued_at,
                jti=secrets.token_urlsafe(16),
            ),
            typ=TOKEN_TYPE,
        )
        for app, released in zip(
            apps, disclose_many(principal, apps, purpose=PURPOSE, requested=()), strict=True
        )
    ]
