"""`klaspoort switch-school-years [--date 2027-08-01]`: apply the staged rosters whose school year
has started (see `roster.importing.switch`). Safe to run more than once; run it nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core import clock
from klaspoort.core.commands import TranslatedCommand
from klaspoort.roster.importing.switch import do_switch_school_years


class Command(TranslatedCommand):
    help = "Apply the staged rosters of school years that have started."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to act for (default: today), e.g. 2027-08-01")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(
                _("Ongeldige datum '%(date)s'; schrijf bijvoorbeeld 2027-08-01.") % {"date": options["date"]}
            ) from exc
        if day is not None and day > clock.today():
            raise CommandError(
                _("De datum ligt in de toekomst; een schooljaar begint niet eerder dan zijn dag.")
            )
        for outcome in do_switch_school_years(today=day):
            self.stdout.write(f"{outcome.school_code}: {outcome.status}")
