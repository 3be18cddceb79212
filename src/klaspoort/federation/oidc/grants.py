"""Authlib grants, extensions and token records over `OidcGrant`.

Codes and tokens are `<handle>.<secret>`; see `models.OidcGrant`. Which grants still count is
decided by the rule methods of `OidcGrantQuerySet` only (redeemable, access_valid, refreshable):
records are found through them, and a record found that way is neither expired nor revoked.
Single use is enforced by a conditional UPDATE (compare-and-set) over the same rule, so two
concurrent redemptions cannot both succeed; a second redemption of a code, or a rotated refresh
token presented again, revokes the grant and with it every token it produced.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
from authlib.oauth2.rfc6749 import (
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    grants,
    scope_to_list,
)
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from django.core.cache import cache
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from klaspoort.accounts.principal import Principal
from klaspoort.core.clock import now
from klaspoort.federation.disclosure import DisclosureRefused, Released, disclose
from klaspoort.federation.keyed_hash import digest_matches, keyed_digest, new_secret
from klaspoort.federation.oidc import config, keys
from klaspoort.federation.oidc.claims import AuthorizedUser, oidc_claims, requested_categories
from klaspoort.federation.oidc.client import OidcClient
from klaspoort.federation.oidc.grant_rows import (
    access_valid_grant,
    grant_by_handle,
    insert_grant,
    redeem_code,
    redeemable_grant,
    refresh_tokens,
    refreshable_grant,
)
from klaspoort.federation.oidc.models import OidcGrant

CODE = "oidc-code"
ACCESS = "oidc-access-token"
REFRESH = "oidc-refresh-token"
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]


def split_token(value: str | None) -> str | None:
    """The grant handle of `<handle>.<secret>`, or None for anything else."""
    if not value or len(value) > 200:
        return None
    handle, _, secret = value.partition(".")
    if not handle or not secret or len(handle) > 32:
        return None
    return handle


def grant_for(token: str | None, app_id: int | None = None) -> OidcGrant | None:
    """The grant a code or token names (by its handle; of app `app_id` when given) in whatever
    state, or None. One indexed query."""
    handle = split_token(token)
    if handle is None:
        return None
    return grant_by_handle(handle, app_id)


def usable_access_grant(token: str | None) -> OidcGrant | None:
    """The grant whose access token this names, while the token is usable (access_valid)."""
    handle = split_token(token)
    return None if handle is None else access_valid_grant(handle)


def revoke_grant(grant: OidcGrant, reason: str) -> None:
    OidcGrant.objects.unrevoked().filter(pk=grant.pk).update(revoked_at=now(), revoke_reason=reason)


def _user_of(grant: OidcGrant, released: Released | None = None) -> AuthorizedUser:
    principal = Principal.from_session(grant.principal)
    assert principal is not None
    return AuthorizedUser(
        principal=principal,
        released=released or Released.from_json(grant.released),
        op_session=grant.op_session,
        sid=grant.sid,
        handle=grant.handle,
    )


class _Record:
    """A view of an `OidcGrant` in one role (code, access token, refresh token) for Authlib.
    `usable`: found through the rule for that role (then it is neither expired nor revoked); the
    revocation endpoint also looks up tokens in any state, and never asks."""

    def __init__(self, grant: OidcGrant, *, usable: bool = True) -> None:
        self.grant = grant
        self.usable = usable

    def check_client(self, client: OidcClient) -> bool:
        return bool(self.grant.app_id == client.app.pk)

    def get_scope(self) -> str:
        return self.grant.scope

    def get_user(self) -> AuthorizedUser:
        return _user_of(self.grant)

    def is_revoked(self) -> bool:
        return not self.usable


class CodeRecord(_Record):
    @property
    def code_challenge(self) -> str:
        return self.grant.code_challenge

    @property
    def code_challenge_method(self) -> str | None:
        return self.grant.code_challenge_method or None

    def get_redirect_uri(self) -> str:
        return self.grant.redirect_uri

    def get_nonce(self) -> str | None:
        return self.grant.nonce or None

    def get_auth_time(self) -> int | None:
        return int(self.grant.principal.get("auth_time") or 0) or None

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class AccessTokenRecord(_Record):
    kind = "access_token"

    def is_expired(self) -> bool:
        return not self.usable

    def get_expires_in(self) -> int:
        expires = self.grant.access_expires_at
        return max(0, int((expires - now()).total_seconds())) if expires else 0


class RefreshTokenRecord(_Record):
    kind = "refresh_token"

    def is_expired(self) -> bool:
        return not self.usable


def _token_values(token: dict[str, Any]) -> dict[str, Any]:
    moment = now()
    values: dict[str, Any] = {
        "access_hash": keyed_digest(token["access_token"], ACCESS),
        "access_expires_at": moment + dt.timedelta(seconds=int(token["expires_in"])),
    }
    if token.get("refresh_token"):
        values["refresh_hash"] = keyed_digest(token["refresh_token"], REFRESH)
        values["refresh_expires_at"] = moment + dt.timedelta(seconds=config.REFRESH_TOKEN_LIFETIME)
    return values


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def generate_authorization_code(self) -> str:
        return f"{new_secret(12)}.{new_secret(32)}"

    def save_authorization_code(self, code: str, request: Any) -> None:
        user: AuthorizedUser = request.user
        principal = user.principal
        data = request.payload.data
        moment = now()
        grant = OidcGrant(
            handle=split_token(code) or "",
            app=request.client.app,
            person=principal.person,
            school_ref=principal.school,
            principal=principal.to_session(),
            op_session=user.op_session,
            sid=user.sid,
            released=user.released.to_json(),
            scope=request.scope,
            redirect_uri=request.payload.redirect_uri,
            nonce=data.get("nonce") or "",
            code_challenge=data.get("code_challenge") or "",
            code_challenge_method=data.get("code_challenge_method") or "",
            created_at=moment,
            code_hash=keyed_digest(code, CODE),
            code_expires_at=moment + dt.timedelta(seconds=config.CODE_LIFETIME),
        )
        insert_grant(grant)

    def query_authorization_code(self, code: str, client: OidcClient) -> CodeRecord | None:
        handle = split_token(code)
        if handle is None:
            return None
        grant = redeemable_grant(handle, client.app.pk)
        if grant is None:
            # Not redeemable: a code used before is a replay, which ends the grant (one more query,
            # on this refusal only).
            spent = grant_by_handle(handle, client.app.pk)
            if (
                spent is not None
                and spent.code_used_at is not None
                and digest_matches(code, spent.code_hash, CODE)
            ):
                revoke_grant(spent, "code_reuse")
            return None
        if not digest_matches(code, grant.code_hash, CODE):
            return None
        return CodeRecord(grant)

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        """Nothing to do: `save_token` marked the code used in the same statement."""

    def authenticate_user(self, authorization_code: CodeRecord) -> AuthorizedUser:
        return _user_of(authorization_code.grant)

    def save_token(self, token: dict[str, Any]) -> None:
        grant = self.request.authorization_code.grant
        if not redeem_code(grant.pk, {"code_used_at": now(), **_token_values(token)}):
            revoke_grant(grant, "code_reuse")
            raise InvalidGrantError("Invalid 'code' in request.")


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshTokenRecord | None:
        handle = split_token(refresh_token)
        if handle is None:
            return None
        # Authlib has authenticated the client by now; only its own grants are looked at, so
        # another client (even a public one) naming this grant's handle is refused and ends nothing.
        app_id = self.request.client.app.pk
        grant = refreshable_grant(handle)
        if grant is not None and grant.app_id != app_id:
            return None
        if grant is not None and digest_matches(refresh_token, grant.refresh_hash, REFRESH):
            return RefreshTokenRecord(grant)
        grant = grant or grant_by_handle(handle, app_id)
        if (
            grant is not None
            and grant.refresh_hash
            and not digest_matches(refresh_token, grant.refresh_hash, REFRESH)
        ):
            # A rotated refresh token used again by the client that owns the grant (or a forged
            # one sent with its credentials): someone else holds a copy of the client's tokens.
            # End the whole grant; the honest client signs in again.
            revoke_grant(grant, "refresh_reuse")
        return None

    def authenticate_user(self, refresh_token: RefreshTokenRecord) -> AuthorizedUser:
        """Ask the disclosure path again: consent, the person and their groups may have changed."""
        grant = refresh_token.grant
        user = _user_of(grant)
        try:
            released = disclose(
                user.principal,
                self.request.client.app,
                purpose="oidc",
                requested=requested_categories(scope_to_list(grant.scope)),
            )
        except DisclosureRefused as exc:
            revoke_grant(grant, exc.reason)
            raise InvalidGrantError("The grant is no longer valid.") from exc
        return _user_of(grant, released)

    def save_token(self, token: dict[str, Any]) -> None:
        grant = self.request.refresh_token.grant
        values = {"released": self.request.user.released.to_json(), **_token_values(token)}
        if not refresh_tokens(grant.pk, grant.refresh_hash, values):
            revoke_grant(grant, "refresh_reuse")
            raise InvalidGrantError()

    def revoke_old_credential(self, refresh_token: RefreshTokenRecord) -> None:
        """Nothing to do: `save_token` replaced the refresh token's hash (rotation)."""


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only; required for public clients."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        challenge = data.get("code_challenge")
        if not challenge and grant.request.client.app.is_public:
            raise InvalidRequestError("Public clients must use PKCE: send 'code_challenge' with method S256.")
        if challenge and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class KlaspoortOpenIDCode(OpenIDCode):
    def exists_nonce(self, nonce: str, request: Any) -> bool:
        # The relying party checks the nonce against the one it stored; codes are single use, so
        # one authorization request yields at most one ID token. No lookup needed here.
        return False

    def resolve_client_private_key(self, client: OidcClient) -> keys.SigningKeyObject:
        return keys.signing_key(client.id_token_signed_response_alg)

    def get_encode_header(self, client: OidcClient) -> dict[str, str]:
        alg = client.id_token_signed_response_alg
        return {"alg": alg, "kid": str(keys.signing_key(alg).kid), "typ": "JWT"}

    def get_client_claims(self, client: OidcClient) -> dict[str, Any]:
        issued = int(time.time())
        return {
            "iss": config.issuer(),
            "aud": client.client_id,
            "iat": issued,
            "exp": issued + config.ID_TOKEN_LIFETIME,
        }

    def generate_user_info(self, user: AuthorizedUser, scope: str) -> dict[str, Any]:
        return {**oidc_claims(user.released), "sid": user.sid}


class PrivateKeyJWT(JWTBearerClientAssertion):
    """`private_key_jwt` client authentication (RFC 7523) with the app's registered public keys."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def get_audiences(self) -> list[str]:
        return [config.endpoint("/oidc/token/"), config.issuer()]

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return bool(cache.add(f"oidc-jti:{claims['sub']}:{jti}", 1, timeout=3600))

    def __call__(self, query_client: Any, request: Any) -> Any:
        """Before any key is looked up (and a client's `jwks_uri` fetched), the unverified claims
        must already name this server and a client, unexpired: random or stale assertions make
        us fetch nothing."""
        assertion = request.form.get("client_assertion")
        if request.form.get("client_assertion_type") == self.CLIENT_ASSERTION_TYPE and assertion:
            _headers, claims = self.extract_assertion(assertion)
            audiences = claims.get("aud")
            audiences = audiences if isinstance(audiences, list) else [audiences]
            expires = claims.get("exp")
            plausible = (
                isinstance(claims.get("sub"), str)
                and claims.get("iss") == claims.get("sub")
                and any(audience in self.get_audiences() for audience in audiences)
                and isinstance(expires, int | float)
                and expires > time.time() - self.leeway
            )
            if not plausible:
                raise InvalidClientError(description="The client assertion is not valid.")
        return super().__call__(query_client, request)

    def resolve_client_public_key(self, client: OidcClient) -> KeySet:
        app = client.app
        if app.token_endpoint_auth_method != self.CLIENT_AUTH_METHOD or not (app.jwks or app.jwks_uri):
            raise InvalidClientError(description="This client does not authenticate with private_key_jwt.")
        if app.jwks:
            return KeySet.import_key_set(app.jwks)
        cache_key = f"oidc-client-jwks:{app.pk}:{app.jwks_uri}"
        jwks = cache.get(cache_key)
        if jwks is None:
            try:
                response = httpx.get(app.jwks_uri, timeout=config.BACKCHANNEL_TIMEOUT, follow_redirects=False)
                response.raise_for_status()
                jwks = response.json()
                keyset = KeySet.import_key_set(jwks)
            except (httpx.HTTPError, ValueError, JoseError):
                jwks = {}  # remembered as unusable for a while: no fetch per request
            cache.set(cache_key, jwks, timeout=300 if jwks else 60)
            if not jwks:
                raise InvalidClientError(description="The client's keys could not be fetched.") from None
            return keyset
        if not jwks:
            raise InvalidClientError(description="The client's keys could not be fetched.")
        return KeySet.import_key_set(jwks)
