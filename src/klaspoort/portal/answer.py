"""Strict validation of a publisher's licence answer (pure).

A publisher's answer is untrusted input rendered on children's screens, so it is checked field by
field: size, JSON shape, types, lengths, identifiers, and URLs (https only; plain http only to
loopback addresses when development mode allows it; never `javascript:` or `data:`). One bad
product rejects the whole answer: a half-understood answer is not shown. The caller reports a
rejected answer to the user as "publisher unavailable" and logs the reason for the publisher.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from klaspoort.portal.products import AUDIENCES, LAUNCH_METHODS, Audience, LaunchMethod, Product

MAX_URL_LENGTH = 2048
MAX_NAME_LENGTH = 100
PRODUCT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LOOPBACK_NAMES = frozenset({"localhost"})


class AnswerRejected(ValueError):
    """The answer is not a valid licence answer; the message says why (for logs, not for pupils)."""


@dataclass(frozen=True)
class AnswerLimits:
    max_bytes: int = 256 * 1024
    max_products: int = 200
    allow_loopback_http: bool = False


def parse_answer(body: bytes, limits: AnswerLimits) -> tuple[Product, ...]:
    """Turn a publisher's response body into products, or raise AnswerRejected."""
    if len(body) > limits.max_bytes:
        raise AnswerRejected(f"answer larger than {limits.max_bytes} bytes")
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise AnswerRejected(f"answer is not valid UTF-8 JSON: {error}") from None
    if not isinstance(document, dict):
        raise AnswerRejected("answer must be a JSON object")
    items = document.get("products")
    if not isinstance(items, list):
        raise AnswerRejected("answer must have a 'products' list")
    if len(items) > limits.max_products:
        raise AnswerRejected(f"more than {limits.max_products} products")
    products = tuple(_product(item, index, limits) for index, item in enumerate(items))
    seen: set[str] = set()
    for product in products:
        if product.id in seen:
            raise AnswerRejected(f"product id {product.id!r} appears twice")
        seen.add(product.id)
    return products


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _product(item: object, index: int, limits: AnswerLimits) -> Product:
    where = f"products[{index}]"
    if not isinstance(item, dict):
        raise AnswerRejected(f"{where} must be an object")
    product_id = _string(item, "id", where)
    if not PRODUCT_ID.fullmatch(product_id):
        raise AnswerRejected(f"{where}.id must be 1-64 letters, digits, '.', '_' or '-'")
    name = _string(item, "name", where).strip()
    if not name or len(name) > MAX_NAME_LENGTH or CONTROL_CHARACTERS.search(name):
        raise AnswerRejected(f"{where}.name must be 1-{MAX_NAME_LENGTH} printable characters")
    audience = _string(item, "audience", where)
    if audience not in AUDIENCES:
        raise AnswerRejected(f"{where}.audience must be one of {', '.join(AUDIENCES)}")
    allowed_at_home = item.get("allowed_at_home")
    if not isinstance(allowed_at_home, bool):
        raise AnswerRejected(f"{where}.allowed_at_home must be true or false")
    method = _string(item, "launch_method", where)
    if method not in LAUNCH_METHODS:
        raise AnswerRejected(f"{where}.launch_method must be one of {', '.join(LAUNCH_METHODS)}")
    return Product(
        id=product_id,
        name=name,
        audience=cast(Audience, audience),
        allowed_at_home=allowed_at_home,
        launch_method=cast(LaunchMethod, method),
        launch_url=_url(item, "launch_url", where, limits, required=True),
        icon_url=_url(item, "icon_url", where, limits, required=False),
        admin_url=_url(item, "admin_url", where, limits, required=False),
    )


def _string(item: dict[str, Any], field: str, where: str) -> str:
    value = item.get(field)
    if not isinstance(value, str):
        raise AnswerRejected(f"{where}.{field} must be a string")
    return value


def _url(item: dict[str, Any], field: str, where: str, limits: AnswerLimits, *, required: bool) -> str:
    value = item.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise AnswerRejected(f"{where}.{field} must be a URL")
    problem = url_problem(value, allow_loopback_http=limits.allow_loopback_http)
    if problem:
        raise AnswerRejected(f"{where}.{field}: {problem}")
    return value


def url_problem(url: str, *, allow_loopback_http: bool) -> str:
    """Why `url` may not be used as a publisher URL, or "" when it may."""
    if len(url) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if CONTROL_CHARACTERS.search(url) or any(char.isspace() for char in url) or "\\" in url:
        return "contains spaces, backslashes or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    del port
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if not parts.hostname:
        return "has no host"
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and allow_loopback_http and is_loopback_host(parts.hostname):
        return ""
    return "must use https" + (" (or http to a loopback address)" if allow_loopback_http else "")


def is_loopback_host(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
