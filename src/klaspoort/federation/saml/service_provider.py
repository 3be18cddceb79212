"""What the IdP needs to know about one SAML service provider, as plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceProvider:
    """A registered SP. `acs_urls[0]` is the default assertion consumer service (HTTP-POST)."""

    entity_id: str
    acs_urls: tuple[str, ...]
    certificate_pem: str = ""
    sign_response: bool = False

    @property
    def default_acs_url(self) -> str:
        return self.acs_urls[0]

    @property
    def requires_signed_requests(self) -> bool:
        """An SP that registered a signing certificate must sign its AuthnRequests."""
        return bool(self.certificate_pem.strip())
