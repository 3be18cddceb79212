from __future__ import annotations

from typing import Any

import pytest
from authlib.oidc.discovery import OpenIDProviderMetadata
from django.test import Client

pytestmark = pytest.mark.django_db


def test_discovery_document_is_valid_and_points_at_our_endpoints(settings: Any) -> None:
    settings.BASE_URL = "https://klaspoort.example"
    response = Client().get("/.well-known/openid-configuration")
    assert response.status_code == 200
    data = response.json()
    OpenIDProviderMetadata(data).validate()
    assert data["issuer"] == "https://klaspoort.example"
    assert data["authorization_endpoint"] == "https://klaspoort.example/oidc/authorize/"
    assert data["jwks_uri"] == "https://klaspoort.example/oidc/jwks/"
    assert data["subject_types_supported"] == ["pairwise"]
    assert data["id_token_signing_alg_values_supported"] == ["ES256", "RS256"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["backchannel_logout_supported"] is True


def test_every_advertised_endpoint_exists(settings: Any) -> None:
    settings.BASE_URL = "http://localhost"
    data = Client().get("/.well-known/openid-configuration").json()
    for name in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "revocation_endpoint",
    ):
        path = data[name].removeprefix("http://localhost")
        assert Client().get(path).status_code != 404, name
