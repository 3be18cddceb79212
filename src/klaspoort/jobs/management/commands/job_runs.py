from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from klaspoort.jobs.runs import last_runs


class Command(BaseCommand):
    help = "The last run of every scheduled job: when, how it ended and its counts."

    def handle(self, *args: Any, **options: Any) -> None:
        for run in last_runs():
            finished = f"{run.finished_at:%Y-%m-%d %H:%M:%S}" if run.finished_at else "-"
            # Counts in key order: PostgreSQL's jsonb keeps no insertion order.
            counts = " ".join(f"{key}={value}" for key, value in sorted((run.summary or {}).items()))
            self.stdout.write(
                f"{run.job:24} {run.started_at:%Y-%m-%d %H:%M:%S} {finished} {run.outcome:8} "
                f"{counts or run.error}"
            )
