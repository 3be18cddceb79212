"""What celery beat queues, and when (times in Europe/Amsterdam). Plain data: imported by
`klaspoort/celery.py` before Django is set up. docs/operations.md lists the same jobs with reasons."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, Any]] = {
    # Expired sessions, one-time tokens and OpenID Connect grants: nobody can use them any more.
    "purge-expired": {"task": "klaspoort.jobs.tasks.purge_expired", "schedule": crontab(minute=17)},
}
