"""The IP agent's client side (pure helpers + one HTTP call with httpx)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _

INTERVAL_RE = re.compile(r"^(\d+)\s*([smh]?)$")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
MIN_INTERVAL = 30


class AgentError(ValueError):
    """The agent cannot report; the message says why."""


def parse_interval(text: str) -> int:
    """`10m` -> 600, `30s` -> 30, `1h` -> 3600, `90` -> 90 seconds."""
    match = INTERVAL_RE.match(text.strip().lower())
    if not match:
        raise AgentError(
            _("'%(text)s' is geen geldige tijd: gebruik bijvoorbeeld 30s, 10m of 1h.") % {"text": text}
        )
    seconds = int(match.group(1)) * UNITS[match.group(2)]
    if seconds < MIN_INTERVAL:
        raise AgentError(_("Melden kan hoogstens elke %(seconds)s seconden.") % {"seconds": MIN_INTERVAL})
    return seconds


def check_url(url: str) -> str:
    """Only https, except to this machine (tests, a local demo): the token must not travel in clear."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = host == "localhost"
        if local:
            return url
    raise AgentError(
        _("'%(url)s' is geen https-adres; de sleutel mag niet onversleuteld over internet.") % {"url": url}
    )


@dataclass(frozen=True)
class Report:
    address: str
    school: str


def send_report(url: str, token: str, *, timeout: float = 10.0, client: httpx.Client | None = None) -> Report:
    try:
        if client is not None:
            response = client.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
        else:
            response = httpx.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise AgentError(_("Kan %(url)s niet bereiken: %(exc)s") % {"url": url, "exc": exc}) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict) or "address" not in body:
        message = body.get("error") if isinstance(body, dict) else None
        reason = message or response.reason_phrase
        raise AgentError(
            _("Melding geweigerd (HTTP %(status_code)s): %(reason)s")
            % {"status_code": response.status_code, "reason": reason}
        )
    return Report(address=str(body["address"]), school=str(body.get("school", "")))
