from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.laslink.actions import do_rotate_vendor_secret
from klaspoort.laslink.credentials import pull_key
from klaspoort.laslink.models import LasVendor


class Command(TranslatedCommand):
    help = "A new secret for a LAS vendor; the old one keeps working for --grace-hours (default 24)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--grace-hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        vendor = LasVendor.objects.filter(slug=options["slug"]).first()
        if vendor is None:
            raise CommandError(_("Onbekende leverancier: %(slug)s") % {"slug": options["slug"]})
        secret = do_rotate_vendor_secret(vendor, grace=dt.timedelta(hours=options["grace_hours"]))
        self.stdout.write(f"secret={secret}\npull_key={pull_key(vendor)}")
