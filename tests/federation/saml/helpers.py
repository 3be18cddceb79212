"""Shared test helpers: build AuthnRequests the way an SP does, without any SAML library."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import zlib
from urllib.parse import quote_plus

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from klaspoort.federation.saml.constants import SIGALG_RSA_SHA256

SP_ENTITY_ID = "https://sp.example.nl/saml/metadata"
ACS_URL = "https://sp.example.nl/saml/acs"
SSO_URL = "http://testserver/saml/sso/"


def authn_request_xml(
    *,
    request_id: str = "_req0123456789abcdef",
    issuer: str = SP_ENTITY_ID,
    issue_instant: dt.datetime | None = None,
    destination: str | None = SSO_URL,
    acs_url: str | None = ACS_URL,
    extra: str = "",
    body: str = "",
) -> bytes:
    instant = (issue_instant or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    attributes = f' ID="{request_id}" Version="2.0" IssueInstant="{instant}"'
    if destination is not None:
        attributes += f' Destination="{destination}"'
    if acs_url is not None:
        attributes += f' AssertionConsumerServiceURL="{acs_url}"'
    return (
        '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"{attributes}{extra}>'
        f"<saml:Issuer>{issuer}</saml:Issuer>{body}</samlp:AuthnRequest>"
    ).encode()


def deflate_b64(xml: bytes) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return base64.b64encode(compressor.compress(xml) + compressor.flush()).decode()


def redirect_query(
    xml: bytes, *, relay_state: str | None = None, key: rsa.RSAPrivateKey | None = None
) -> str:
    """The query string of an HTTP-Redirect request, signed with `key` when given."""
    parts = [f"SAMLRequest={quote_plus(deflate_b64(xml))}"]
    if relay_state is not None:
        parts.append(f"RelayState={quote_plus(relay_state)}")
    if key is not None:
        parts.append(f"SigAlg={quote_plus(SIGALG_RSA_SHA256)}")
        signature = key.sign("&".join(parts).encode(), padding.PKCS1v15(), hashes.SHA256())
        parts.append(f"Signature={quote_plus(base64.b64encode(signature).decode())}")
    return "&".join(parts)


@functools.cache
def cached_pem(name: str) -> bytes:
    """A self-signed key pair (PEM, key first), made once per name and test process."""
    from klaspoort.federation.saml.keys import make_self_signed_pem

    return make_self_signed_pem(name, days=30)


def key_and_certificate_pem(name: str = "test SP") -> tuple[rsa.RSAPrivateKey, str]:
    pem = cached_pem(name)
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    certificate = pem[pem.index(b"-----BEGIN CERTIFICATE-----") :].decode()
    return key, certificate


def released(**overrides):
    """A disclosure result as `klaspoort.federation.disclosure.disclose` returns it."""
    from klaspoort.federation.disclosure import Released, ReleasedSchool

    values = {
        "sub": "p1",
        "role": "pupil",
        "school": ReleasedSchool(instelling_ref="ref", brin="12AB", location_code="01", name="De Regenboog"),
        "groups": (),
    }
    values.update(overrides)
    return Released(**values)


def posted_form(html: str | bytes) -> tuple[str, dict[str, str]]:
    """(action, fields) of the auto-submitting form the IdP answers with."""
    from lxml import html as lxml_html

    document = lxml_html.fromstring(html)
    form = document.get_element_by_id("saml-post")
    fields = {field.get("name"): field.get("value") for field in form.iterfind(".//input")}
    return form.get("action"), fields


def response_xml(html: str | bytes):
    """The decoded <samlp:Response> element inside the form."""
    from lxml import etree

    _, fields = posted_form(html)
    return etree.fromstring(base64.b64decode(fields["SAMLResponse"]))
