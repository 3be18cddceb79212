"""The one Authlib authorization server of klaspoort, wired to our grants and storage."""

from __future__ import annotations

import functools
from typing import Any

from authlib.common.security import is_secure_transport
from authlib.integrations.django_oauth2 import AuthorizationServer as DjangoAuthorizationServer
from authlib.integrations.django_oauth2 import BearerTokenValidator, ResourceProtector
from authlib.integrations.django_oauth2.requests import DjangoJsonRequest, DjangoOAuth2Payload
from authlib.oauth2.rfc6749 import InsecureTransportError, InvalidRequestError, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint
from django.http import HttpRequest

from klaspoort.federation.keyed_hash import digest_matches, new_secret
from klaspoort.federation.models import PartnerApp
from klaspoort.federation.oidc import config, keys
from klaspoort.federation.oidc.claims import AuthorizedUser
from klaspoort.federation.oidc.client import OidcClient, find_app_by_client_id
from klaspoort.federation.oidc.grants import (
    ACCESS,
    CLIENT_AUTH_METHODS,
    REFRESH,
    AccessTokenRecord,
    AuthorizationCodeGrant,
    KlaspoortOpenIDCode,
    PrivateKeyJWT,
    RefreshTokenGrant,
    RefreshTokenRecord,
    S256CodeChallenge,
    grant_for,
    revoke_grant,
    usable_access_grant,
)
from klaspoort.federation.oidc.models import OidcGrant


def _new_token(client: OidcClient, grant_type: str, user: AuthorizedUser, scope: str) -> str:
    return f"{user.handle}.{new_secret(32)}"


def usable_access_token(token_string: str) -> AccessTokenRecord | None:
    """The access token while it is usable (`OidcGrant.objects.access_valid`): userinfo."""
    grant = usable_access_grant(token_string)
    if grant is None or not digest_matches(token_string, grant.access_hash, ACCESS):
        return None
    return AccessTokenRecord(grant)


def find_access_token(token_string: str) -> AccessTokenRecord | None:
    """The access token in any state (revocation: RFC 7009 answers alike for expired tokens)."""
    grant = grant_for(token_string)
    if grant is None or not digest_matches(token_string, grant.access_hash, ACCESS):
        return None
    return AccessTokenRecord(grant, usable=False)


def find_refresh_token(token_string: str) -> RefreshTokenRecord | None:
    """The refresh token in any state (revocation)."""
    grant = grant_for(token_string)
    if grant is None or not digest_matches(token_string, grant.refresh_hash, REFRESH):
        return None
    return RefreshTokenRecord(grant, usable=False)


@functools.lru_cache(maxsize=8)
def secure_issuer(issuer: str) -> bool:
    """Authlib's transport check (https, or http on a loopback host) for URIs that start with
    `issuer` and go on with a path: the scheme and host are the issuer's, so its answer is the
    issuer's, the same for every request (made once per issuer value, not per request)."""
    return is_secure_transport(issuer + "/")


class PublicOAuth2Request(OAuth2Request):
    """Authlib's view of a Django request, with the URI as the public sees it (issuer + path).

    Behind a TLS-terminating proxy Django may think it serves http; the configured issuer is the
    truth, and Authlib refuses plain http except on loopback hosts (`InsecureTransportError`).
    """

    def __init__(self, request: HttpRequest) -> None:
        issuer = config.issuer()
        if not secure_issuer(issuer):
            raise InsecureTransportError()
        # What OAuth2Request.__init__ sets, without its transport check of the whole URI (above).
        self.method = request.method or "GET"
        self.uri = issuer + request.get_full_path()
        self.headers = request.headers
        self._body = None
        self.payload = DjangoOAuth2Payload(request)
        self.client = None
        self.auth_method = None
        self.user = None
        self.authorization_code = None
        self.refresh_token = None
        self.credential = None
        self._scope = None
        self._request = request

    @property
    def args(self) -> Any:
        return self._request.GET

    @property
    def form(self) -> Any:
        return self._request.POST


class KlaspoortAuthorizationServer(DjangoAuthorizationServer):
    def __init__(self) -> None:
        super().__init__(PartnerApp, OidcGrant)
        self.scopes_supported = list(config.SCOPES_SUPPORTED)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=_new_token,
                refresh_token_generator=_new_token,
                expires_generator=config.ACCESS_TOKEN_LIFETIME,
            ),
        )
        self.register_client_auth_method("private_key_jwt", PrivateKeyJWT())
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True), KlaspoortOpenIDCode()])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(EndSession)

    def query_client(self, client_id: str) -> OidcClient | None:
        app = find_app_by_client_id(client_id)
        return OidcClient(app) if app is not None else None

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return PublicOAuth2Request(request)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        raise NotImplementedError("grants store their own tokens")

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No Django signals for every client authentication."""


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> Any:
        if token_type_hint == "access_token":  # noqa: S105 (a token type, not a secret)
            return find_access_token(token_string)
        return find_refresh_token(token_string) or find_access_token(token_string)

    def revoke_token(self, token: AccessTokenRecord | RefreshTokenRecord, request: Any) -> None:
        """A refresh token ends the whole grant; an access token only itself (RFC 7009 §2.1)."""
        if isinstance(token, RefreshTokenRecord):
            revoke_grant(token.grant, "revoked_by_client")
        else:
            OidcGrant.objects.filter(pk=token.grant.pk, access_hash=token.grant.access_hash).update(
                access_hash="", access_expires_at=None
            )


class EndSession(EndSessionEndpoint):
    """RP-initiated logout; the view ends the session itself (see logout.py)."""

    def get_server_jwks(self) -> dict[str, Any]:
        return keys.public_jwks()

    def end_session(self, end_session_request: Any) -> None:
        request = end_session_request.request._request
        from klaspoort.federation.oidc.logout import end_user_session

        end_user_session(request)


class AccessTokenValidator(BearerTokenValidator):
    def __init__(self) -> None:
        super().__init__(OidcGrant)

    def authenticate_token(self, token_string: str) -> AccessTokenRecord | None:
        return usable_access_token(token_string)


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class BearerResourceProtector(ResourceProtector):
    """Bearer tokens in the Authorization header (RFC 6750 §2.1) or, in a POST, in a form-encoded
    body's `access_token` (§2.2, what the `oic` client sends by default). A request may use one
    method only (§2): a token in both, or twice in the body, is `invalid_request`. Tokens in the
    query string (§2.3) are not accepted."""

    def acquire_token(self, request: HttpRequest, scopes: Any = None, **kwargs: Any) -> Any:
        in_body = _body_tokens(request)
        if not in_body:
            return super().acquire_token(request, scopes, **kwargs)
        if len(in_body) > 1 or request.headers.get("Authorization"):
            raise InvalidRequestError(description="Send the access token one way only.")
        validator = self.get_token_validator(AccessTokenValidator.TOKEN_TYPE)
        token = validator.authenticate_token(in_body[0])
        validator.validate_token(token, scopes, DjangoJsonRequest(request))
        return token


def _body_tokens(request: HttpRequest) -> list[str]:
    if request.method != "POST" or request.content_type != FORM_CONTENT_TYPE:
        return []
    return request.POST.getlist("access_token")


server = KlaspoortAuthorizationServer()
require_oauth = BearerResourceProtector()
require_oauth.register_token_validator(AccessTokenValidator())
