from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from klaspoort.core.commands import TranslatedCommand
from klaspoort.registry.actions import RegistrationError, do_register_school
from klaspoort.registry.models import SchoolLocation


class Command(TranslatedCommand):
    help = "Register a school location, e.g. `klaspoort register-school 12AB00 --name 'De Regenboog'`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="BRIN + location code, e.g. 12AB00")
        parser.add_argument("--name", required=True, help="official name")
        parser.add_argument("--board", dest="board_number", help="5-digit board number")
        parser.add_argument("--board-name", dest="board_name")
        parser.add_argument(
            "--manual", action="store_true", help="a location that is not in the DUO register"
        )
        parser.add_argument("--instellingsnummer", help="Flemish institution number")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            school = do_register_school(
                options["code"],
                name=options["name"],
                board_number=options["board_number"],
                board_name=options["board_name"],
                kind=SchoolLocation.Kind.MANUAL if options["manual"] else SchoolLocation.Kind.REGISTER,
                instellingsnummer=options["instellingsnummer"],
                actor="cli",
            )
        except RegistrationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{school.code} {school.name} INSTELLING_REF={school.instelling_ref}")
