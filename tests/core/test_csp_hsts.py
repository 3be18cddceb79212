"""Finding 12.7: a strict Content-Security-Policy on every page type; HSTS behind the trusted TLS
proxy; X-Forwarded-Proto believed from that proxy only."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client

from klaspoort.core.csp import policy

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.mark.parametrize(
    "path",
    [
        "/login/",
        "/thuis/",
        "/login/wachtwoord-vergeten/",
        "/.well-known/openid-configuration",
        "/oidc/jwks/",
        "/geen-pagina/",
    ],
)
def test_every_page_type_gets_the_strict_policy(client: Client, path: str) -> None:
    response = client.get(path)
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["script-src"][1].startswith("'nonce-")
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_nonce_is_fresh_per_response(client: Client) -> None:
    assert (
        client.get("/login/")["Content-Security-Policy"] != client.get("/login/")["Content-Security-Policy"]
    )


def test_a_partner_form_target_is_named_on_that_page_only() -> None:
    header = policy("abc", ["https://sp.example", "https://sp.example"])
    assert "form-action 'self' https://sp.example" in header
    assert header.count("https://sp.example") == 1


def test_login_page_scripts_need_no_inline_allowance(client: Client) -> None:
    page = client.get("/login/").content.decode()
    assert "<script>" not in page  # every script is a file of ours (or a JSON data block)


def test_hsts_behind_the_trusted_proxy_only(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    via_proxy = client.get("/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert via_proxy["Strict-Transport-Security"] == "max-age=31536000"
    direct = client.get("/login/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in direct  # a direct client cannot claim https


def test_next_over_http_is_refused_behind_the_tls_proxy(client: Client, settings: Any) -> None:
    """Finding 12.10 (safe_next): behind the TLS proxy an http:// target on our own host is refused."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    page = client.get(
        "/login/",
        {"next": "http://testserver/portal/"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_PROTO="https",
    ).content.decode()
    assert "http://testserver/portal/" not in page
    same = client.get("/login/", {"next": "/portal/"}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert 'name="next" value="/portal/"' in same.content.decode()


def test_proxy_ssl_header_follows_the_trusted_proxy_setting() -> None:
    code = "import klaspoort.settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    env = {**os.environ, "KLASPOORT_DEV": "1", "KLASPOORT_TRUSTED_PROXIES": "10.0.0.5"}
    with_proxy = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert with_proxy.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
    env.pop("KLASPOORT_TRUSTED_PROXIES")
    without = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert without.stdout.strip() == "None"


def test_a_form_target_adds_only_a_plain_origin_to_the_policy() -> None:
    from django.http import HttpResponse

    from klaspoort.core.csp import _FORM_TARGETS, allow_form_action

    response = allow_form_action(HttpResponse(), "https://uitgever.example:8443/app/oefenen?x=1")
    for hostile in ("https://a;script-src *@x.example/", "javascript:alert(1)", "https://a b.example/"):
        allow_form_action(response, hostile)
    assert getattr(response, _FORM_TARGETS) == ["https://uitgever.example:8443"]
