"""The IP agent's client side (pure helpers + one HTTP call with httpx)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

INTERVAL_RE = re.compile(r"^(\d+)\s*([smh]?)$")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
MIN_INTERVAL = 30


class AgentError(ValueError):
    """The agent cannot report; the message says why."""


def parse_interval(text: str) -> int:
    """`10m` -> 600, `30s` -> 30, `1h` -> 3600, `90` -> 90 seconds."""
    match = INTERVAL_RE.match(text.strip().lower())
    if not match:
        raise AgentError(f"'{text}' is geen geldige tijd: gebruik bijvoorbeeld 30s, 10m of 1h.")
    seconds = int(match.group(1)) * UNITS[match.group(2)]
    if seconds < MIN_INTERVAL:
        raise AgentError(f"Melden kan hoogstens elke {MIN_INTERVAL} seconden.")
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
    raise AgentError(f"'{url}' is geen https-adres; de sleutel mag niet onversleuteld over internet.")


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
        raise AgentError(f"Kan {url} niet bereiken: {exc}") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict) or "address" not in body:
        message = body.get("error") if isinstance(body, dict) else None
        reason = message or response.reason_phrase
        raise AgentError(f"Melding geweigerd (HTTP {response.status_code}): {reason}")
    return Report(address=str(body["address"]), school=str(body.get("school", "")))
