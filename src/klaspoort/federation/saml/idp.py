"""Who the IdP is: entity id, endpoint URLs and the `uid` realm, all derived from settings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

METADATA_PATH = "/saml/metadata/"
SSO_PATH = "/saml/sso/"


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    sso_url: str
    metadata_url: str
    uid_realm: str


def identity_provider() -> IdentityProvider:
    base = settings.BASE_URL.rstrip("/")
    return IdentityProvider(
        entity_id=settings.SAML_ENTITY_ID or f"{base}{METADATA_PATH}",
        sso_url=f"{base}{SSO_PATH}",
        metadata_url=f"{base}{METADATA_PATH}",
        uid_realm=settings.SAML_UID_REALM or (urlsplit(base).hostname or "klaspoort"),
    )
