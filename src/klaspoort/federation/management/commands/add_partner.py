from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klaspoort.federation.actions import do_register_partner
from klaspoort.federation.partner_spec import PartnerSpecError, parse_partner_spec


class Command(BaseCommand):
    help = (
        "Register or update a partner and its apps from a JSON file (docs/partners/registration.md). "
        "New client secrets are printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="partner registration JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror}.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is geen geldige JSON: {exc}.") from exc
        try:
            result = do_register_partner(parse_partner_spec(data), actor="cli")
        except PartnerSpecError as exc:
            raise CommandError(f"{path} is niet in orde:\n  " + "\n  ".join(exc.problems)) from exc
        partner = result.partner
        verb = "aangemaakt" if result.created else "bijgewerkt"
        self.stdout.write(f"Partner {partner.slug} ({partner.name}) {verb}.")
        for slug in result.apps_created:
            self.stdout.write(f"  app {slug}: nieuw")
        for slug in result.apps_updated:
            self.stdout.write(f"  app {slug}: bijgewerkt")
        for slug, secret in result.new_secrets.items():
            self.stdout.write(f"client_secret {slug}: {secret}")
        if result.new_secrets:
            self.stdout.write("Bewaar deze geheimen nu: ze worden niet opnieuw getoond.")
