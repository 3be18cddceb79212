"""Receive an AuthnRequest over HTTP-Redirect or HTTP-POST: decode, find the SP, check, validate.

Replay cache (finding 10 of issue 12): `first_use` remembers every accepted request's ID per SP in
the shared cache (an atomic `add`, Redis or the database cache, so every worker sees it) until the
request is too old to be accepted anyway (IssueInstant + MAX_AGE); the same ID again is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from klaspoort.federation.saml import partners
from klaspoort.federation.saml.request_parser import (
    CLOCK_SKEW,
    MAX_AGE,
    AuthnRequest,
    SamlRequestError,
    decode_post,
    decode_redirect,
    parse_xml,
    read_authn_request,
    validate_authn_request,
)
from klaspoort.federation.saml.request_signature import verify_redirect_signature, verify_xml_signature

MAX_RELAY_STATE_CHARS = 1024

UNKNOWN_SP_MESSAGE = _(
    "Deze software is niet bij klaspoort bekend, dus er is niets verstuurd. Meld dit aan de leverancier "
    "van de software."
)
RELAY_STATE_MESSAGE = _(
    "Het inlogverzoek van de software is te lang. Er is niets verstuurd. Meld dit aan de leverancier van "
    "de software."
)

REPLAYED_MESSAGE = _(
    "Dit inlogverzoek is al eens gebruikt, dus er is niets verstuurd. Ga terug naar de software en "
    "probeer opnieuw in te loggen."
)


@dataclass(frozen=True)
class ReceivedRequest:
    app: partners.SamlApp
    request: AuthnRequest
    acs_url: str
    relay_state: str


def _relay_state(params: Mapping[str, str]) -> str:
    relay_state = params.get("RelayState", "")
    if len(relay_state) > MAX_RELAY_STATE_CHARS:
        raise SamlRequestError("relay_state", RELAY_STATE_MESSAGE)
    return relay_state


def _known_app(request: AuthnRequest) -> partners.SamlApp:
    app = partners.app_by_entity_id(request.issuer)
    if app is None:
        raise SamlRequestError("unknown_sp", UNKNOWN_SP_MESSAGE)
    return app


def receive_redirect(
    params: Mapping[str, str], raw_query: str, *, sso_url: str, now: dt.datetime
) -> ReceivedRequest:
    """HTTP-Redirect binding; a signature (SigAlg/Signature) is required when the SP has a certificate."""
    relay_state = _relay_state(params)
    request = read_authn_request(parse_xml(decode_redirect(params.get("SAMLRequest", ""))))
    app = _known_app(request)
    sp = app.service_provider
    if sp.requires_signed_requests:
        verify_redirect_signature(raw_query, sp.certificate_pem)
    acs_url = validate_authn_request(request, sp, sso_url=sso_url, now=now)
    return ReceivedRequest(app=app, request=request, acs_url=acs_url, relay_state=relay_state)


def receive_post(params: Mapping[str, str], *, sso_url: str, now: dt.datetime) -> ReceivedRequest:
    """HTTP-POST binding; an enveloped XML signature is required when the SP has a certificate."""
    relay_state = _relay_state(params)
    root = parse_xml(decode_post(params.get("SAMLRequest", "")))
    request = read_authn_request(root)
    app = _known_app(request)
    sp = app.service_provider
    if sp.requires_signed_requests:
        request = read_authn_request(verify_xml_signature(root, sp.certificate_pem))
        if request.issuer != sp.entity_id:
            raise SamlRequestError("issuer", UNKNOWN_SP_MESSAGE)
    acs_url = validate_authn_request(request, sp, sso_url=sso_url, now=now)
    return ReceivedRequest(app=app, request=request, acs_url=acs_url, relay_state=relay_state)


def _seen_key(sp_entity_id: str, request_id: str) -> str:
    digest = hashlib.sha256(f"{sp_entity_id}\n{request_id}".encode()).hexdigest()[:40]
    return f"saml:seen:{digest}"


def first_use(received: ReceivedRequest, *, now: dt.datetime) -> None:
    """Remember the request's ID for its SP until the request expires; refuse an ID seen before
    ("replayed"). Call it only for a request that passed every other check."""
    expires = received.request.issue_instant + MAX_AGE + CLOCK_SKEW
    seconds = max(1, math.ceil((expires - now).total_seconds()))
    key = _seen_key(received.app.service_provider.entity_id, received.request.id)
    if not cache.add(key, 1, timeout=seconds):
        raise SamlRequestError("replayed", REPLAYED_MESSAGE)
