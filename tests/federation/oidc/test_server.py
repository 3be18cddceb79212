"""Authlib's view of our requests (`PublicOAuth2Request`): the issuer's URI, Authlib's transport
rule checked once per issuer."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.common.security import is_secure_transport
from authlib.oauth2.rfc6749 import InsecureTransportError, OAuth2Request
from django.test import RequestFactory

from klaspoort.federation.oidc.server import PublicOAuth2Request, secure_issuer

ISSUERS = [
    "https://klaspoort.example",
    "https://klaspoort.example:8443",
    "http://127.0.0.1:8000",
    "http://localhost:8000",
    "http://[::1]:8000",
    "http://klaspoort.example",
    "http://10.0.0.1",
    "ftp://klaspoort.example",
]
PATHS = [
    "/",
    "/oidc/token/",
    "/oidc/authorize/?redirect_uri=https://a.example/&x=1",
    "//evil.example/x",
    "/@evil.example",
]


@pytest.mark.parametrize("issuer", ISSUERS)
def test_the_issuer_decides_authlibs_transport_rule_for_every_path(issuer: str) -> None:
    assert [is_secure_transport(issuer + path) for path in PATHS] == [secure_issuer(issuer)] * len(PATHS)


@pytest.mark.parametrize(
    ("issuer", "secure"),
    [
        ("https://klaspoort.example", True),
        ("http://127.0.0.1:8000", True),
        ("http://klaspoort.example", False),
    ],
)
def test_a_request_is_refused_over_plain_http_to_a_public_host(
    settings: Any, issuer: str, secure: bool
) -> None:
    settings.BASE_URL = issuer
    request = RequestFactory().post("/oidc/token/?a=1", {"grant_type": "authorization_code"})
    if not secure:
        with pytest.raises(InsecureTransportError):
            PublicOAuth2Request(request)
        with pytest.raises(InsecureTransportError):
            OAuth2Request("POST", issuer + "/oidc/token/?a=1")  # as Authlib's own would
        return
    ours = PublicOAuth2Request(request)
    theirs = OAuth2Request("POST", issuer + "/oidc/token/?a=1", headers=request.headers)
    assert {name: value for name, value in vars(ours).items() if name not in ("payload", "_request")} == {
        name: value for name, value in vars(theirs).items() if name != "payload"
    }
    assert ours.uri == issuer + "/oidc/token/?a=1"
    assert ours.payload.data == {"a": "1", "grant_type": "authorization_code"}
    assert ours.form["grant_type"] == "authorization_code"
    assert ours.args["a"] == "1"
