"""Incoming AuthnRequests: decode (HTTP-Redirect or HTTP-POST binding), parse safely, validate.

Parsing is hardened: size limits before and after inflating, no DTD, no entities, no network,
comments and processing instructions dropped. Validation checks the request against the
registered service provider: Issuer, Destination, the ACS URL, freshness and the NameID policy.
Every refusal is a `SamlRequestError` with a plain Dutch message for the user.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import threading
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from lxml import etree

from klaspoort.federation.saml.constants import (
    BINDING_POST,
    NAMEID_PERSISTENT,
    NAMEID_UNSPECIFIED,
    SAML,
    SAMLP,
)
from klaspoort.federation.saml.service_provider import ServiceProvider

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_ENCODED_CHARS = 64 * 1024
MAX_XML_BYTES = 32 * 1024
MAX_ID_CHARS = 256
MAX_AGE = dt.timedelta(minutes=10)
CLOCK_SKEW = dt.timedelta(minutes=3)
ACCEPTED_NAMEID_FORMATS = frozenset({NAMEID_PERSISTENT, NAMEID_UNSPECIFIED})
_ID_PATTERN = re.compile(r"^[A-Za-z_][\w.\-]*$")

GARBLED_MESSAGE = _(
    "Het inlogverzoek van de software is onleesbaar of beschadigd. Ga terug naar de software en "
    "probeer opnieuw in te loggen."
)


class SamlRequestError(Exception):
    """The request is refused. `code` is for logs and tests; `message` is for the user (Dutch)."""

    def __init__(self, code: str, message: StrOrPromise) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    issuer: str
    issue_instant: dt.datetime
    destination: str
    acs_url: str
    acs_index: int | None
    protocol_binding: str
    name_id_format: str
    force_authn: bool
    is_passive: bool


def _b64decode(value: str) -> bytes:
    if not value or len(value) > MAX_ENCODED_CHARS:
        raise SamlRequestError("size", GARBLED_MESSAGE)
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRequestError("base64", GARBLED_MESSAGE) from None


def decode_redirect(saml_request: str) -> bytes:
    """HTTP-Redirect binding: base64 of raw DEFLATE. Inflation stops at MAX_XML_BYTES."""
    compressed = _b64decode(saml_request)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        xml = inflater.decompress(compressed, MAX_XML_BYTES)
    except zlib.error:
        raise SamlRequestError("deflate", GARBLED_MESSAGE) from None
    if inflater.unconsumed_tail:
        raise SamlRequestError("size", GARBLED_MESSAGE)
    return xml


def decode_post(saml_request: str) -> bytes:
    """HTTP-POST binding: plain base64."""
    xml = _b64decode(saml_request)
    if len(xml) > MAX_XML_BYTES:
        raise SamlRequestError("size", GARBLED_MESSAGE)
    return xml


_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "attribute_defaults": False,
}


# One parser per thread, used for every document of that thread (lxml parsers are not to be shared
# between threads): making one per request cost a quarter of the parse. Its options never change.
_parsers = threading.local()


def parse_xml(xml: bytes) -> etree._Element:
    """Parse untrusted SAML XML; a DOCTYPE (entities, DTDs) is refused outright."""
    if len(xml) > MAX_XML_BYTES:
        raise SamlRequestError("size", GARBLED_MESSAGE)
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = etree.XMLParser(**_PARSER_OPTIONS)  # type: ignore[call-overload]
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise SamlRequestError("xml", GARBLED_MESSAGE) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
        raise SamlRequestError("doctype", GARBLED_MESSAGE)
    return root


def parse_time(value: str | None) -> dt.datetime:
    """xs:dateTime in UTC as SAML requires ("2026-11-28T10:00:00Z", fractions allowed)."""
    if not value:
        raise ValueError("missing time")
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("time without zone")
    return parsed.astimezone(dt.UTC)


def _flag(element: etree._Element, name: str) -> bool:
    value = (element.get(name) or "false").strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise SamlRequestError("attribute", GARBLED_MESSAGE)
    return value in ("true", "1")


def read_authn_request(root: etree._Element) -> AuthnRequest:
    """The fields of a parsed <samlp:AuthnRequest> that the IdP uses."""
    if root.tag != f"{{{SAMLP}}}AuthnRequest" or root.get("Version") != "2.0":
        raise SamlRequestError("not_authn_request", GARBLED_MESSAGE)
    request_id = root.get("ID") or ""
    if not (0 < len(request_id) <= MAX_ID_CHARS and _ID_PATTERN.match(request_id)):
        raise SamlRequestError("id", GARBLED_MESSAGE)
    issuer_element = root.find(f"{{{SAML}}}Issuer")
    issuer = (issuer_element.text or "").strip() if issuer_element is not None else ""
    if not issuer:
        raise SamlRequestError("issuer", GARBLED_MESSAGE)
    try:
        issue_instant = parse_time(root.get("IssueInstant"))
    except ValueError:
        raise SamlRequestError("issue_instant", GARBLED_MESSAGE) from None
    index_text = root.get("AssertionConsumerServiceIndex")
    try:
        acs_index = int(index_text) if index_text is not None else None
    except ValueError:
        raise SamlRequestError("acs_index", GARBLED_MESSAGE) from None
    policy = root.find(f"{{{SAMLP}}}NameIDPolicy")
    return AuthnRequest(
        id=request_id,
        issuer=issuer,
        issue_instant=issue_instant,
        destination=(root.get("Destination") or "").strip(),
        acs_url=(root.get("AssertionConsumerServiceURL") or "").strip(),
        acs_index=acs_index,
        protocol_binding=(root.get("ProtocolBinding") or "").strip(),
        name_id_format=((policy.get("Format") or "") if policy is not None else "").strip(),
        force_authn=_flag(root, "ForceAuthn"),
        is_passive=_flag(root, "IsPassive"),
    )


def choose_acs_url(request: AuthnRequest, sp: ServiceProvider) -> str:
    """The ACS URL to answer to: one registered for this SP, exactly; the default if none asked."""
    if request.acs_url:
        if request.acs_url not in sp.acs_urls:
            raise SamlRequestError(
                "acs_url",
                _(
                    "De software vraagt het antwoord naar een adres te sturen dat niet bij deze software is "
                    "geregistreerd. Er is niets verstuurd. Meld dit aan de leverancier van de software."
                ),
            )
        return request.acs_url
    if request.acs_index is not None:
        if not 0 <= request.acs_index < len(sp.acs_urls):
            raise SamlRequestError(
                "acs_index",
                _(
                    "De software vraagt een antwoordadres dat niet is geregistreerd. Er is niets verstuurd. "
                    "Meld dit aan de leverancier van de software."
                ),
            )
        return sp.acs_urls[request.acs_index]
    return sp.default_acs_url


def validate_authn_request(
    request: AuthnRequest, sp: ServiceProvider, *, sso_url: str, now: dt.datetime
) -> str:
    """Check the request against the SP's registration; return the ACS URL to post the answer to."""
    if request.issuer != sp.entity_id:
        raise SamlRequestError("issuer", GARBLED_MESSAGE)
    if request.destination and request.destination != sso_url:
        raise SamlRequestError(
            "destination",
            _(
                "Het inlogverzoek is bedoeld voor een andere inlogdienst. Ga terug naar de software en "
                "probeer het opnieuw."
            ),
        )
    if request.protocol_binding and request.protocol_binding != BINDING_POST:
        raise SamlRequestError(
            "binding",
            _(
                "De software vraagt een manier van antwoorden die klaspoort niet ondersteunt (alleen "
                "HTTP-POST). Meld dit aan de leverancier van de software."
            ),
        )
    if request.name_id_format and request.name_id_format not in ACCEPTED_NAMEID_FORMATS:
        raise SamlRequestError(
            "nameid_format",
            _(
                "De software vraagt een soort gebruikersnummer dat klaspoort niet uitgeeft. Meld dit aan de "
                "leverancier van de software."
            ),
        )
    if request.issue_instant < now - MAX_AGE or request.issue_instant > now + CLOCK_SKEW:
        raise SamlRequestError(
            "stale",
            _("Het inlogverzoek is verlopen. Ga terug naar de software en probeer opnieuw in te loggen."),
        )
    return choose_acs_url(request, sp)
