"""Tile icons through our own origin, so a child's browser never contacts a publisher just by
opening the portal (no third-party requests from our pages).

The tiles page links `/portal/icon/?u=<signed URL>`; only URLs we signed (taken from validated
licence answers) are fetched, by a signed-in person, with a short timeout and a size limit, and only
images are passed on. Icons are cached in the shared cache for a day. SVG is served with a sandboxing
Content-Security-Policy so it cannot run script even when opened directly.

Outside development (settings.PORTAL_ICONS_FROM_PRIVATE_ADDRESSES) an icon host must be public:
its name is resolved and every address it has is checked; one private, loopback, link-local,
multicast, reserved or unspecified address (also IPv4 inside IPv6) and nothing is fetched, so a
licence answer cannot make the server reach into our own network (finding 10 of issue 12).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from klaspoort.portal.answer import url_problem

SALT = "klaspoort.portal.icon"
MAX_ICON_BYTES = 200 * 1024
FETCH_TIMEOUT = 2.0
CACHE_SECONDS = 24 * 3600
MISS_SECONDS = 300
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})


@dataclass(frozen=True)
class Icon:
    content_type: str
    body: bytes


def icon_path(icon_url: str) -> str:
    """The path that serves `icon_url` through us, or "" when there is no icon."""
    if not icon_url:
        return ""
    # No timestamp in the signature: the same icon keeps the same address, so browsers cache it.
    return _icon_base() + "?u=" + _signer().sign_object(icon_url, compress=True)


@functools.cache
def _icon_base() -> str:
    return reverse("portal:icon")


@functools.cache
def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def unsign(token: str) -> str | None:
    try:
        value = _signer().unsign_object(token)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None


def fetch_icon(url: str) -> Icon | None:
    """The icon from the cache or the publisher; None when it is missing or not an image."""
    key = "portal:icon:" + hashlib.sha256(url.encode()).hexdigest()[:40]
    cached = cache.get(key)
    if isinstance(cached, dict):
        return Icon(cached["type"], cached["body"]) if cached.get("body") else None
    icon = _download(url)
    if icon is None:
        cache.set(key, {"type": "", "body": b""}, MISS_SECONDS)
        return None
    cache.set(key, {"type": icon.content_type, "body": icon.body}, CACHE_SECONDS)
    return icon


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )  # fmt: skip  (is_global also excludes shared address space such as 100.64.0.0/10)


def host_is_public(url: str) -> bool:
    """Whether every address the URL's host resolves to is a public one (False when it resolves to
    none)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(_is_public(address) for address in addresses)


def _download(url: str) -> Icon | None:
    if url_problem(url, allow_loopback_http=settings.PORTAL_ALLOW_LOOPBACK_HTTP):
        return None
    if not settings.PORTAL_ICONS_FROM_PRIVATE_ADDRESSES and not host_is_public(url):
        return None
    try:
        with (
            httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "image/*"}) as response,
        ):
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code != 200 or content_type not in IMAGE_TYPES:
                return None
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_ICON_BYTES:
                    return None
    except httpx.HTTPError:
        return None
    return Icon(content_type, bytes(body))
