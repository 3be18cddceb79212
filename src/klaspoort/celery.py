"""The Celery application of klaspoort: background jobs (mail, housekeeping, roster syncs).

    celery -A klaspoort worker --concurrency "$(nproc)"     run tasks
    celery -A klaspoort beat                                 queue the scheduled ones (one beat only)

The broker and result store come from the settings (`KLASPOORT_BROKER_URL`, else `REDIS_URL`).
Without a broker every task runs at once in the process that queues it ("eager"): the embedded
default (`make demo`) needs no Redis. A worker or beat refuses to start when the Django system checks
(with the deployment checks outside development) report an error: a half-configured worker would
send mail with wrong links or import into the wrong database.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals

from klaspoort.jobs.schedule import SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")

app = Celery("klaspoort")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # A task is acknowledged when it has finished, and given back to the queue when its worker dies
    # (kill -9, out of memory): no task is lost, so every task must be safe to run twice.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    # Longer than the longest task (an import of a large school takes seconds), so a task is not
    # handed out twice while it runs; a task of a dead worker comes back after this long.
    broker_transport_options={"visibility_timeout": 3600, "socket_timeout": 5, "socket_connect_timeout": 2},
    result_backend_transport_options={"socket_timeout": 5, "socket_connect_timeout": 2},
    # Queuing happens after commit inside web requests: when the broker is away, give up quickly;
    # the outbox and the schedules pick the work up again (nothing is lost).
    task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2},
    result_expires=24 * 3600,
    task_store_eager_result=False,
    timezone="Europe/Amsterdam",
    worker_hijack_root_logger=False,
)
app.conf.beat_schedule = SCHEDULE
app.autodiscover_tasks()


def _refuse_half_configured(**_: Any) -> None:
    from django.conf import settings
    from django.core import checks

    messages = checks.run_checks(include_deployment_checks=not settings.DEVELOPMENT)
    errors = [message for message in messages if message.is_serious()]
    if errors:
        listed = "\n".join(f"  {message}" for message in errors)
        raise SystemExit(f"klaspoort: not starting, the configuration is incomplete:\n{listed}")


signals.worker_init.connect(_refuse_half_configured, weak=False)
signals.beat_init.connect(_refuse_half_configured, weak=False)
