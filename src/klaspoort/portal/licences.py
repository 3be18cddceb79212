"""Licence answers for one person from every licensed app: cache, circuit breaker, fan-out.

For each app: a fresh cached answer is used as is; otherwise, unless the app's breaker is open, the
app is asked (all at once, see `fanout`) with a freshly disclosed and signed licence request. A
failed or rejected answer falls back to the stale cached answer when there is one, else the app is
reported unavailable. Reads the cache with one `get_many` and writes new answers with one
`set_many`. Disclosure (and its record) happens only for apps that are actually asked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import BaseCache, cache

from klaspoort.accounts.principal import Principal
from klaspoort.federation.disclosure import DisclosureRefused
from klaspoort.federation.models import PartnerApp
from klaspoort.portal import licence_cache
from klaspoort.portal.breaker import BreakerStore, state_key
from klaspoort.portal.config import PortalConfig, portal_config
from klaspoort.portal.fanout import LicenceCall, fetch_all
from klaspoort.portal.licence_cache import CachedAnswer
from klaspoort.portal.products import Product
from klaspoort.portal.request_token import licence_request_tokens

logger = logging.getLogger("klaspoort.portal")


@dataclass(frozen=True)
class AppAnswer:
    """What one app answered for this person. `products` None: unavailable (down, slow, malformed)."""

    app: PartnerApp
    products: tuple[Product, ...] | None
    stale: bool = False
    refused: bool = False  # disclosure refused (e.g. consent withdrawn a moment ago): show nothing

    @property
    def available(self) -> bool:
        return self.products is not None or self.refused


def licence_answers(
    principal: Principal,
    apps: Sequence[PartnerApp],
    *,
    config: PortalConfig | None = None,
    store: BaseCache | None = None,
    now: float | None = None,
) -> list[AppAnswer]:
    """One AppAnswer per app, in the order of `apps`."""
    config = config or portal_config()
    store = store if store is not None else cache
    moment = time.time() if now is None else now
    keys = {app.slug: _key(principal, app) for app in apps}
    breakers = BreakerStore(store, config.breaker)
    found = store.get_many([*keys.values(), *(state_key(app.slug) for app in apps)])
    results: dict[str, AppAnswer] = {}
    cached: dict[str, CachedAnswer] = {}
    to_ask: list[PartnerApp] = []
    for app in apps:
        entry = licence_cache.decode(found.get(keys[app.slug]))
        if entry is not None:
            cached[app.slug] = entry
            if entry.is_fresh(moment, config.fresh_seconds):
                results[app.slug] = AppAnswer(app, entry.products)
                continue
        state = breakers.decode(found.get(state_key(app.slug)))
        if breakers.may_call(app.slug, state, moment, probe_seconds=config.timeout):
            to_ask.append(app)
        else:
            results[app.slug] = _fallback(app, cached.get(app.slug))
    calls: list[LicenceCall] = []
    # Disclosure to every asked app at once: the same few queries for one app or twenty.
    for app, token in zip(to_ask, licence_request_tokens(principal, to_ask), strict=True):
        if isinstance(token, DisclosureRefused):  # nothing was recorded for this app
            logger.info("licence request to %s not sent: %s", app.slug, token.reason)
            results[app.slug] = AppAnswer(app, None, refused=True)
            continue
        calls.append(LicenceCall(app.slug, app.licence_endpoint_url, token))
    outcomes = fetch_all(calls, timeout=config.timeout, limits=config.limits)
    by_slug = {app.slug: app for app in apps}
    fresh: dict[str, object] = {}
    for outcome in outcomes:
        app = by_slug[outcome.publisher]
        state = breakers.decode(found.get(state_key(app.slug)))
        breakers.record(app.slug, state, ok=outcome.ok, now=moment)
        if outcome.products is not None:
            answer = CachedAnswer(outcome.products, fetched_at=moment)
            fresh[keys[app.slug]] = licence_cache.encode(answer)
            results[app.slug] = AppAnswer(app, outcome.products)
        else:
            results[app.slug] = _fallback(app, cached.get(app.slug))
    if fresh:
        store.set_many(fresh, timeout=int(config.stale_seconds))
    return [results[app.slug] for app in apps]


def _fallback(app: PartnerApp, entry: CachedAnswer | None) -> AppAnswer:
    if entry is None:
        return AppAnswer(app, None)
    return AppAnswer(app, entry.products, stale=True)


def _key(principal: Principal, app: PartnerApp) -> str:
    return licence_cache.answer_key(
        app.slug, principal.kind, str(principal.person), str(principal.school), principal.context
    )
