"""The short per-user cache of licence answers (D2: nothing is stored beyond it).

An entry is fresh for `fresh_seconds` (default 60 s) and kept up to `stale_seconds` so the portal
can still show a publisher's tiles when that publisher errs. Keys are hashes: no person ids appear
in the cache's key space.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

from klaspoort.portal.products import Product

KEY_PREFIX = "portal:licence:"


@dataclass(frozen=True)
class CachedAnswer:
    products: tuple[Product, ...]
    fetched_at: float

    def is_fresh(self, now: float, fresh_seconds: float) -> bool:
        return 0 <= now - self.fetched_at < fresh_seconds


def answer_key(publisher: str, kind: str, person: str, school: str, context: str) -> str:
    digest = hashlib.sha256("\x1f".join((publisher, kind, person, school, context)).encode()).hexdigest()
    return KEY_PREFIX + digest[:40]


def encode(answer: CachedAnswer) -> dict[str, Any]:
    return {"at": answer.fetched_at, "products": [dataclasses.asdict(product) for product in answer.products]}


def decode(raw: Any) -> CachedAnswer | None:
    """A cached entry back into an answer; anything unreadable (e.g. after an upgrade) is a miss."""
    if not isinstance(raw, dict):
        return None
    try:
        products = tuple(Product(**item) for item in raw["products"])
        return CachedAnswer(products=products, fetched_at=float(raw["at"]))
    except (KeyError, TypeError, ValueError):
        return None
