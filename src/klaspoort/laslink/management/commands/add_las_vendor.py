from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from klaspoort.laslink.actions import do_register_vendor
from klaspoort.laslink.credentials import pull_key


class Command(BaseCommand):
    help = "Register a LAS vendor; prints its client id, secret and pull key (shown only now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--pull-url", default="", help="e.g. https://las.example/edexml/{school}")
        parser.add_argument("--max-concurrency", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        vendor, secret = do_register_vendor(
            options["slug"], options["name"], pull_url=options["pull_url"],
            max_concurrency=options["max_concurrency"],
        )  # fmt: skip
        self.stdout.write(f"client_id={vendor.client_id}\nsecret={secret}\npull_key={pull_key(vendor)}")
