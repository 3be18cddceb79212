"""The short middleware chain of the endpoints only relying parties' servers call (token, userinfo):
the same security headers and input limits as every response, no session, user or language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from klaspoort.federation.oidc.models import OidcGrant
from tests.federation.oidc.conftest import World, basic_auth, exchange, get_code, pupil_client, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


def test_the_short_chain_paths_are_the_token_and_userinfo_endpoints() -> None:
    assert set(settings.MACHINE_ENDPOINT_PATHS) == {reverse("oidc:token"), reverse("oidc:userinfo")}


def _security_headers(response: Any) -> dict[str, str]:
    return {name: response[name] for name in (*SECURITY_HEADERS, "Content-Security-Policy")}


def test_token_and_userinfo_answer_with_every_security_header(world: World, pupil_client: Client) -> None:  # noqa: F811
    page = Client().get("/login/")
    token = exchange(get_code(pupil_client), world.secret)
    userinfo = Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}")
    for response in (token, userinfo):
        assert response.status_code == 200
        headers = _security_headers(response)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        # The same policy as a page, with its own nonce.
        assert (
            headers["Content-Security-Policy"].split("; ")[3:]
            == page["Content-Security-Policy"].split("; ")[3:]
        )
        assert len(response["X-Request-ID"]) == 12
        assert response["Content-Length"] == str(len(response.content))
        assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/oidc/token/", "/oidc/userinfo/"])
def test_no_session_user_or_page_language_on_the_short_chain(
    world: World,  # noqa: F811
    pupil_client: Client,  # noqa: F811
    path: str,
) -> None:
    # The signed-in browser's cookies and an English choice reach these endpoints for nothing.
    pupil_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")  # as an earlier request in this thread may have left it
    response = pupil_client.post(path, {})
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "user")
    assert not hasattr(request, "_messages")
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert "Content-Language" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert response.cookies == {}
    assert response.status_code in (400, 401)
    assert OidcGrant.objects.count() == 0


def test_other_paths_keep_the_whole_chain(world: World, pupil_client: Client) -> None:  # noqa: F811
    pupil_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in ("/oidc/authorize/", "/oidc/revoke/", "/oidc/jwks/", "/oidc/token"):
        request = pupil_client.get(path).wsgi_request
        assert hasattr(request, "session"), path
        assert hasattr(request, "user"), path
        assert request.LANGUAGE_CODE == "en", path


def test_the_input_limits_hold_on_the_short_chain(world: World) -> None:  # noqa: F811
    too_big = Client().post(
        "/oidc/token/",
        "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert too_big.status_code == 413
    assert too_big.json() == {
        "error": "invalid_request",
        "error_description": "The request body is too large.",
    }
    nul = Client().post(
        "/oidc/token/",
        {"grant_type": "authorization_code", "code": "a\x00b"},
        **basic_auth("rekenwijs", world.secret),
    )
    assert nul.status_code == 400
    assert nul.json()["error"] == "invalid_request"
    unreadable = Client().post("/oidc/userinfo/", {}, HTTP_AUTHORIZATION="Basic %%%")
    assert unreadable.status_code == 401
    assert unreadable.json()["error"] == "invalid_client"
    assert OidcGrant.objects.count() == 0


def test_head_and_csrf_free_post_work_on_the_short_chain(world: World, pupil_client: Client) -> None:  # noqa: F811
    token = exchange(get_code(pupil_client), world.secret).json()["access_token"]
    head = Client().head("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert head.status_code == 200
    assert head.content == b""
    strict = Client(enforce_csrf_checks=True)
    posted = strict.post(
        "/oidc/userinfo/",
        urlencode({"access_token": token}),
        content_type="application/x-www-form-urlencoded",
    )
    assert posted.status_code == 200
    assert posted.json()["sub"]


def test_an_error_on_the_short_chain_gets_the_error_page_with_its_request_id(
    world: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from klaspoort.federation.oidc import token

    def broken(request: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(token.server, "create_token_response", broken)
    response = Client(raise_request_exception=False).post(
        "/oidc/token/", {}, **basic_auth("rekenwijs", world.secret)
    )
    assert response.status_code == 500
    assert response["X-Request-ID"] in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
