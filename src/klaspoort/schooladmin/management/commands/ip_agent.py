"""`klaspoort ip-agent --url URL --token TOKEN [--every 10m] [--once]`

Runs on one PC inside the school network and reports the school's public address to klaspoort
(dynamic IP, C11). The token may also come from the environment (KLASPOORT_AGENT_TOKEN), which
keeps it out of the process list.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klaspoort.core.commands import TranslatedCommand
from klaspoort.schooladmin.agent import AgentError, check_url, parse_interval, send_report


class Command(TranslatedCommand):
    help = gettext_lazy("Meld het publieke IP-adres van de school aan klaspoort (dynamisch IP-adres).")  # type: ignore[assignment]
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            required=True,
            help=_("meldadres, bijv. https://klaspoort.example/schoolnetwerk/melding"),
        )
        parser.add_argument(
            "--token", default=None, help=_("sleutel van de school (of KLASPOORT_AGENT_TOKEN)")
        )
        parser.add_argument("--every", default="10m", help=_("hoe vaak melden: 30s, 10m, 1h (standaard 10m)"))
        parser.add_argument("--once", action="store_true", help=_("één keer melden en stoppen"))

    def handle(self, *args: Any, **options: Any) -> None:
        token = options["token"] or os.environ.get("KLASPOORT_AGENT_TOKEN", "")
        if not token:
            raise CommandError(_("Geef de sleutel mee met --token of KLASPOORT_AGENT_TOKEN."))
        try:
            url = check_url(options["url"])
            interval = parse_interval(options["every"])
        except AgentError as exc:
            raise CommandError(str(exc)) from exc
        while True:
            try:
                report = send_report(url, token)
            except AgentError as exc:
                if options["once"]:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(str(exc))
            else:
                self.stdout.write(
                    _("Gemeld: %(address)s (%(school)s)")
                    % {"address": report.address, "school": report.school}
                )
                if options["once"]:
                    return
            time.sleep(interval)
