"""`klaspoort school-consent SCHOOL [PARTNER --on|--off]`: the school console's partner consent
for operators (D1). Without PARTNER it lists every partner with the school's choice."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.actors import SystemActor
from klaspoort.core.commands import TranslatedCommand
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.federation.models import ECK_ID, NAMES, Partner
from klaspoort.registry.actions import find_school
from klaspoort.schooladmin.consent import partner_rows, receipt_document


class Command(TranslatedCommand):
    help = "Show or change which partners may receive a school's data (names and ECK iD optional)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("school", help="BRIN + location code, e.g. 12AB00")
        parser.add_argument("partner", nargs="?", help="partner slug (see `klaspoort school-consent SCHOOL`)")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--on", action="store_true", help="the partner may receive the school's data")
        switch.add_argument("--off", action="store_true", help="withdraw: no data, no access, at once")
        parser.add_argument("--names", action="store_true", help="with --on: names as well")
        parser.add_argument("--eck-id", action="store_true", help="with --on: the ECK iD as well")
        parser.add_argument("--by", default="", help="who decided (name and email), kept with the change")

    def handle(self, *args: Any, **options: Any) -> None:
        school = find_school(options["school"])
        if school is None:
            raise CommandError(
                _("School '%(school)s' is niet geregistreerd.") % {"school": options["school"]}
            )
        if not options["partner"]:
            if options["on"] or options["off"]:
                raise CommandError(_("Noem de partner (slug) die aan of uit moet."))
            for row in partner_rows(school):
                extra = [c for c in (NAMES, ECK_ID) if row.on and getattr(row.consent, c)]
                state = ("aan" + (f" ({', '.join(extra)})" if extra else "")) if row.on else "uit"
                self.stdout.write(f"{row.partner.slug}\t{row.partner.get_kind_display()}\t{state}")
            return
        if not (options["on"] or options["off"]):
            raise CommandError(_("Kies --on of --off."))
        partner = Partner.objects.filter(slug=options["partner"], active=True).first()
        if partner is None:
            raise CommandError(_("Geen actieve partner '%(partner)s'.") % {"partner": options["partner"]})
        for flag, category in (("names", NAMES), ("eck_id", ECK_ID)):
            if options[flag] and category not in partner.asks_for:
                raise CommandError(
                    _("%(name)s vraagt niet om %(category)s; er is niets veranderd.")
                    % {"name": partner.name, "category": category}
                )
        if options["off"] and (options["names"] or options["eck_id"]):
            raise CommandError(_("--names en --eck-id horen bij --on."))
        by = options["by"] or "operator (klaspoort school-consent)"
        if options["on"]:
            change = do_grant_consent(
                school,
                partner,
                names=options["names"],
                eck_id=options["eck_id"],
                actor=SystemActor("cli"),
                signed_by=by,
            )
        else:
            change = do_withdraw_consent(school, partner, actor="cli", signed_by=by)
        if change is None:
            self.stdout.write(_("Er is niets veranderd."))
            return
        self.stdout.write(json.dumps(receipt_document(change, school), ensure_ascii=False))
