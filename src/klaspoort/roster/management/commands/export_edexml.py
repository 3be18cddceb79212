"""`klaspoort export-edexml --school 12AB00 [--year 2026-2027]`: the roster as EDEXML 2.1 on stdout.

Importing the output into the same school changes nothing. Exit status 2 for an unknown school or
a bad school year.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.codes import CodeError, parse_school_year
from klaspoort.core.commands import TranslatedCommand
from klaspoort.core.output import write_bytes
from klaspoort.registry.actions import find_school
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.export import export_roster


class Command(TranslatedCommand):
    help = "Write a school's roster as EDEXML 2.1 to stdout, e.g. `klaspoort export-edexml --school 12AB00`."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="BRIN + location code, e.g. 12AB00")
        parser.add_argument("--year", help="school year, e.g. 2026-2027 (default: the newest imported)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = find_school(options["school"])
        if school is None:
            message = _("School '%(school)s' is niet geregistreerd.") % {"school": options["school"]}
            raise CommandError(message, returncode=2)
        try:
            year = parse_school_year(options["year"]) if options["year"] else None
        except CodeError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        data = write_edexml(export_roster(school, start_year=year))
        write_bytes(self.stdout, data)
