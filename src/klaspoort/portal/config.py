"""The portal's settings as one typed value (see settings.py for the environment variables)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from klaspoort.portal.answer import AnswerLimits
from klaspoort.portal.breaker import BreakerPolicy


@dataclass(frozen=True)
class PortalConfig:
    timeout: float
    fresh_seconds: float
    stale_seconds: float
    limits: AnswerLimits
    breaker: BreakerPolicy


def portal_config() -> PortalConfig:
    return PortalConfig(
        timeout=settings.PORTAL_LICENCE_TIMEOUT,
        fresh_seconds=settings.PORTAL_LICENCE_CACHE_SECONDS,
        stale_seconds=max(settings.PORTAL_LICENCE_STALE_SECONDS, settings.PORTAL_LICENCE_CACHE_SECONDS),
        limits=AnswerLimits(
            max_bytes=settings.PORTAL_LICENCE_MAX_BYTES,
            max_products=settings.PORTAL_LICENCE_MAX_PRODUCTS,
            allow_loopback_http=settings.PORTAL_ALLOW_LOOPBACK_HTTP,
        ),
        breaker=BreakerPolicy(
            failures=settings.PORTAL_BREAKER_FAILURES, open_seconds=settings.PORTAL_BREAKER_OPEN_SECONDS
        ),
    )
