"""LAS vendors' access tokens: POST /las/v1/token, the OAuth 2 client credentials grant (RFC 6749
§4.4), through Authlib's authorization server.

A vendor authenticates there with its client id and secret (HTTP Basic, `client_secret_basic`; the
previous secret too during a rotation's grace period) and gets a bearer token that is valid for
`TOKEN_LIFETIME` seconds; the connector then takes `Authorization: Bearer <token>` instead of the
secret on every request. Tokens are random (256 bits), kept only as a keyed hash (looked up by it),
and stop working when they expire, when they are revoked (`do_revoke_vendor_tokens`: a secret
rotated without grace, a vendor switched off) or when the vendor is deactivated. Expired tokens are
purged by the housekeeping job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_oauth2 import AuthorizationServer as DjangoAuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from django.db import transaction

from klaspoort.core import clock
from klaspoort.federation.keyed_hash import keyed_digest, new_secret
from klaspoort.federation.oidc.server import PublicOAuth2Request
from klaspoort.laslink.credentials import secret_matches
from klaspoort.laslink.models import LasAccessToken, LasVendor

TOKEN_LIFETIME = 15 * 60  # seconds: short, so that a leaked token is of little use
SCOPE = "las"
PURPOSE = "laslink.access_token"


def token_hash(token: str) -> str:
    return keyed_digest(token, PURPOSE)


@dataclass(frozen=True)
class LasClient(ClientMixin):
    vendor: LasVendor

    def get_client_id(self) -> str:
        return self.vendor.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        return SCOPE

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(self.vendor, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" and endpoint == "token"

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == ClientCredentialsGrant.GRANT_TYPE


class VendorCredentialsGrant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]


class LasTokenServer(DjangoAuthorizationServer):
    def __init__(self) -> None:
        super().__init__(LasVendor, LasAccessToken)
        self.scopes_supported = [SCOPE]
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_: new_secret(32), expires_generator=TOKEN_LIFETIME
            ),
        )
        self.register_grant(VendorCredentialsGrant)

    def query_client(self, client_id: str) -> LasClient | None:
        vendor = LasVendor.objects.filter(client_id=client_id, active=True).first()
        return LasClient(vendor) if vendor is not None else None

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return PublicOAuth2Request(request)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        now = clock.now()
        LasAccessToken.objects.create(
            vendor=request.client.vendor, token_hash=token_hash(token["access_token"]), scope=SCOPE,
            issued_at=now, expires_at=now + dt.timedelta(seconds=int(token["expires_in"])),
        )  # fmt: skip

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No Django signals for every client authentication."""


server = LasTokenServer()


def vendor_of_token(token: str) -> LasVendor | None:
    """The vendor of a usable bearer token (None: unknown, expired, revoked, vendor inactive)."""
    if not token:
        return None
    row = (
        LasAccessToken.objects.usable(clock.now())
        .select_related("vendor")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return row.vendor if row is not None else None


@transaction.atomic
def do_revoke_vendor_tokens(vendor: LasVendor) -> int:
    """End every token of `vendor` now (a secret rotated without grace, a leak)."""
    return LasAccessToken.objects.filter(vendor=vendor, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def purge_expired_tokens(moment: dt.datetime) -> int:
    deleted, _ = LasAccessToken.objects.filter(expires_at__lte=moment).delete()
    return deleted
