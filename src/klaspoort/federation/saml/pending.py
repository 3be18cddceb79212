"""A validated AuthnRequest waiting for the user to sign in, carried in a signed, short-lived token.

Stateless (any worker can resume it) and tamper-proof (Django's signing with SECRET_KEY). It holds
only what the response needs: which SP, where to answer, which request, the RelayState.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core import signing

SALT = "klaspoort.federation.saml.pending"
MAX_AGE_SECONDS = 15 * 60


@dataclass(frozen=True)
class PendingRequest:
    sp_entity_id: str
    acs_url: str
    request_id: str
    relay_state: str = ""
    is_passive: bool = False
    force_authn: bool = False
    received_at: int = 0  # unix time the request arrived; ForceAuthn needs a sign-in after it

    def accepts(self, auth_time: int) -> bool:
        """Whether a sign-in at `auth_time` satisfies this request (ForceAuthn: only a newer one)."""
        return not self.force_authn or auth_time >= self.received_at


def seal(pending: PendingRequest) -> str:
    return signing.dumps(asdict(pending), salt=SALT, compress=True)


def unseal(token: str) -> PendingRequest | None:
    """The pending request, or None if the token is forged, garbled or older than MAX_AGE_SECONDS."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        return PendingRequest(**data)
    except (signing.BadSignature, TypeError, ValueError):
        return None
