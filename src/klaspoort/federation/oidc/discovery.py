"""`/.well-known/openid-configuration`: the provider metadata (OpenID Connect Discovery 1.0)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from klaspoort.federation.oidc import config

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]


def provider_metadata() -> dict[str, Any]:
    return {
        "issuer": config.issuer(),
        "authorization_endpoint": config.endpoint("/oidc/authorize/"),
        "token_endpoint": config.endpoint("/oidc/token/"),
        "userinfo_endpoint": config.endpoint("/oidc/userinfo/"),
        "jwks_uri": config.endpoint("/oidc/jwks/"),
        "revocation_endpoint": config.endpoint("/oidc/revoke/"),
        "end_session_endpoint": config.endpoint("/oidc/logout/"),
        "scopes_supported": list(config.SCOPES_SUPPORTED),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": list(config.SIGNING_ALGS),
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256", "PS256", "EdDSA"],
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "role", "school", "groups",
            "given_name", "infix", "family_name", "name", "eck_id",
        ],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "ui_locales_supported": ["nl", "en"],
    }  # fmt: skip


@require_GET
def discovery_view(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(provider_metadata())
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
