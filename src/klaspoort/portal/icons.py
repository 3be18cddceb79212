"""Tile icons through our own origin, so a child's browser never contacts a publisher just by
opening the portal (no third-party requests from our pages).

The tiles page links `/portal/icon/?u=<signed URL>`; only URLs we signed (taken from validated
licence answers) are fetched, by a signed-in person, with a short timeout and a size limit, and only
images are passed on. Icons are cached in the shared cache for a day. SVG is served with a sandboxing
Content-Security-Policy so it cannot run script even when opened directly.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

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


def _download(url: str) -> Icon | None:
    if url_problem(url, allow_loopback_http=settings.PORTAL_ALLOW_LOOPBACK_HTTP):
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
