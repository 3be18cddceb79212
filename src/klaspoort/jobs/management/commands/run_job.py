from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klaspoort.celery import app
from klaspoort.jobs.schedule import SCHEDULE


class Command(BaseCommand):
    help = "Run one scheduled job now, in this process (e.g. from cron in embedded mode)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=sorted(SCHEDULE))

    def handle(self, *args: Any, **options: Any) -> None:
        entry = SCHEDULE[options["job"]]
        result = app.tasks[entry["task"]].apply(kwargs=entry.get("kwargs", {}))
        if result.failed():
            raise CommandError(f"{options['job']}: {result.result!r}")
        self.stdout.write(f"{options['job']}: {result.result}")
