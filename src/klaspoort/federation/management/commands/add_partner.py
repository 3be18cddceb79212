from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.federation.actions import do_register_partner
from klaspoort.federation.partner_spec import PartnerSpecError, parse_partner_spec


class Command(TranslatedCommand):
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
            raise CommandError(
                _("Kan %(path)s niet lezen: %(strerror)s.") % {"path": path, "strerror": exc.strerror}
            ) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("%(path)s is geen geldige JSON: %(exc)s.") % {"path": path, "exc": exc}
            ) from exc
        try:
            result = do_register_partner(parse_partner_spec(data), actor="cli")
        except PartnerSpecError as exc:
            problems = "\n  ".join(exc.problems)
            raise CommandError(_("%(path)s is niet in orde:") % {"path": path} + "\n  " + problems) from exc
        partner = result.partner
        verb = _("aangemaakt") if result.created else _("bijgewerkt")
        self.stdout.write(
            _("Partner %(slug)s (%(name)s) %(verb)s.")
            % {"slug": partner.slug, "name": partner.name, "verb": verb}
        )
        for slug in result.apps_created:
            self.stdout.write(_("  app %(slug)s: nieuw") % {"slug": slug})
        for slug in result.apps_updated:
            self.stdout.write(_("  app %(slug)s: bijgewerkt") % {"slug": slug})
        for slug, secret in result.new_secrets.items():
            self.stdout.write(f"client_secret {slug}: {secret}")
        if result.new_secrets:
            self.stdout.write(_("Bewaar deze geheimen nu: ze worden niet opnieuw getoond."))
