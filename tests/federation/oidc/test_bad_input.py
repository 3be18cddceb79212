"""Finding 12.5: malformed requests to the OpenID Connect endpoints get the protocol's own error,
never a 500, and change nothing."""

from __future__ import annotations

import base64
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey

from klaspoort.federation.models import OidcGrant, PartnerApp
from klaspoort.federation.oidc import keys
from tests.federation.factories import REDIRECT_URI

from .conftest import World, exchange, get_code

pytestmark = pytest.mark.django_db

AUTHORIZE = {"response_type": "code", "client_id": "rekenwijs", "scope": "openid", "state": "s1"}


def _grants() -> list[tuple[Any, ...]]:
    return list(
        OidcGrant.objects.values_list("pk", "code_used_at", "access_hash", "refresh_hash", "revoked_at")
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_nul_in_redirect_uri_is_invalid_request(world: World, pupil_client: Client, method: str) -> None:
    response = getattr(pupil_client, method)(
        "/oidc/authorize/", {**AUTHORIZE, "redirect_uri": REDIRECT_URI + "\x00"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert _grants() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("response_type", "\x1f"), ("response_type", 'co"de'), ("response_type", "cödé"), ("prompt", "\x01")],
)
def test_characters_authlib_cannot_quote_in_an_error_are_invalid_request(
    world: World, client: Client, name: str, value: str
) -> None:
    """Found by the endpoint fuzz test: Authlib quotes response_type in its error and raised on a
    control character there (a 500)."""
    response = client.get("/oidc/authorize/", {**AUTHORIZE, "redirect_uri": REDIRECT_URI, name: value})
    assert response.status_code == 400
    assert "invalid_request" in response.content.decode()
    assert _grants() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("nonce", "n" * 20_000),
        ("scope", "openid " + " ".join(["profile"] * 2000)),
        ("client_id", "rekenwijs\x00"),
    ],
)
def test_oversized_or_nul_parameters_are_invalid_request(
    world: World, pupil_client: Client, name: str, value: str
) -> None:
    response = pupil_client.get("/oidc/authorize/", {**AUTHORIZE, "redirect_uri": REDIRECT_URI, name: value})
    assert response.status_code == 400
    assert "invalid_request" in response.content.decode()
    assert _grants() == []


def test_basic_header_that_is_not_utf8_is_invalid_client(world: World, pupil_client: Client) -> None:
    code = get_code(pupil_client)
    before = _grants()
    raw = base64.b64encode(b"rekenwijs:\xff\xfe\xfa").decode()
    response = Client().post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        HTTP_AUTHORIZATION=f"Basic {raw}",
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert _grants() == before
    assert exchange(code, world.secret).status_code == 200  # the code still works for its client


class _CountingJwks(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"keys": []}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def jwks_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingJwks)
    _CountingJwks.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


def _assertion(sub: str, aud: str, key: ECKey | None = None) -> str:
    now = int(time.time())
    claims = {"iss": sub, "sub": sub, "aud": aud, "exp": now + 60, "iat": now, "jti": f"j{now}{sub}"}
    return jwt.encode({"alg": "ES256"}, claims, key or ECKey.generate_key("P-256"))


def _token_with_assertion(code: str, assertion: str) -> Any:
    return Client().post(
        "/oidc/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )


def test_client_assertion_for_a_client_without_keys_is_invalid_client(
    world: World, pupil_client: Client
) -> None:
    code = get_code(pupil_client)
    before = _grants()
    response = _token_with_assertion(code, _assertion("rekenwijs", "http://localhost/oidc/token/"))
    assert response.status_code == 400  # Authlib's status for invalid_client without an Authorization header
    assert response.json()["error"] == "invalid_client"
    assert _grants() == before


def test_implausible_assertions_fetch_nothing_and_a_failed_fetch_is_not_repeated(
    world: World, pupil_client: Client, jwks_server: str, settings: Any
) -> None:
    PartnerApp.objects.filter(pk=world.app.pk).update(
        token_endpoint_auth_method="private_key_jwt", jwks_uri=jwks_server
    )
    code = get_code(pupil_client)
    for aud in ("https://elsewhere.example/token", ""):
        response = _token_with_assertion(code, _assertion("rekenwijs", aud))
        assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
    assert _CountingJwks.hits == []  # nothing fetched for an assertion not meant for us
    for _ in range(3):  # plausible but signed by a stranger: one fetch (an empty key set), then none
        response = _token_with_assertion(code, _assertion("rekenwijs", "http://localhost/oidc/token/"))
        assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
    assert _CountingJwks.hits == ["/jwks.json"]
    assert _grants()[0][1] is None  # the code was not used


def test_jwks_still_published_when_signing_keys_cannot_be_decrypted(world: World, settings: Any) -> None:
    published = Client().get("/oidc/jwks/").json()
    settings.FEDERATION_SECRET = "another-secret-than-the-keys-were-made-with"
    keys.clear_key_cache()
    response = Client().get("/oidc/jwks/")
    assert response.status_code == 200
    assert response.json() == published
    with pytest.raises(keys.KeysUnavailable):
        keys.signing_key("ES256")
    keys.clear_key_cache()
