"""A partner app as Authlib sees an OAuth client (`ClientMixin`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, list_to_scope, scope_to_list

from klaspoort.federation.actions import CLIENT_SECRET_PURPOSE
from klaspoort.federation.app_cache import AppCache, forget_apps
from klaspoort.federation.keyed_hash import digest_matches
from klaspoort.federation.models import PartnerApp

GRANT_TYPES = ("authorization_code", "refresh_token")
# Client configuration is read on every authorize and token request: kept a few seconds per
# worker (see app_cache).
_clients: AppCache[PartnerApp] = AppCache()


def find_app_by_client_id(client_id: str) -> PartnerApp | None:
    """The active app with this OIDC client_id (partner loaded), through a short per-worker cache."""

    def load() -> PartnerApp | None:
        query = PartnerApp.objects.select_related("partner").filter(
            client_id=client_id, active=True, partner__active=True
        )
        return next(iter(query[:1]), None)

    return _clients.get(client_id, load)


def forget_clients(**kwargs: Any) -> None:
    """Receiver of post_save/post_delete of PartnerApp and Partner (every app cache empties)."""
    forget_apps()


@dataclass(frozen=True)
class OidcClient(ClientMixin):
    app: PartnerApp

    @property
    def client_id(self) -> str:
        return self.app.client_id or ""

    @property
    def id_token_signed_response_alg(self) -> str:
        return self.app.id_token_signed_response_alg

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": list(self.app.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OIDC requires redirect_uri in every request; never guess one.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(self.app.allowed_scopes)
        return list_to_scope([s for s in scope_to_list(scope or "") or [] if s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact, character-for-character match with a registered URI."""
        return redirect_uri in self.app.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return digest_matches(client_secret, self.app.client_secret_hash, CLIENT_SECRET_PURPOSE)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if method == "client_assertion_jwt":
            method = "private_key_jwt"
        return method == self.app.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES
