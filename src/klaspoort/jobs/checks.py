"""System checks of the background jobs (run by `klaspoort check --deploy` and at worker start)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register("klaspoort", deploy=True)
def broker_configured(app_configs: Any = None, **_: Any) -> list[Error]:
    """Outside development, tasks must go to a broker: eager tasks would run inside web requests."""
    if settings.DEVELOPMENT or settings.CELERY_BROKER_URL:
        return []
    return [
        Error(
            "No broker for background jobs: set REDIS_URL (or KLASPOORT_BROKER_URL).",
            hint="Without one every mail and import would run inside the web request that queues it.",
            id="jobs.E001",
        )
    ]
