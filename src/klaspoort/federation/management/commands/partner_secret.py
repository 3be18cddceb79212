from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.federation.actions import AppNotFound, do_new_client_secret, find_app


class Command(TranslatedCommand):
    help = "Give a partner app a new client secret (printed once); the old secret stops working at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app", help="app slug or OIDC client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app = find_app(options["app"])
            secret = do_new_client_secret(app, actor="cli")
        except (AppNotFound, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client_secret {app.slug}: {secret}")
        self.stdout.write(_("Bewaar dit geheim nu: het wordt niet opnieuw getoond."))
