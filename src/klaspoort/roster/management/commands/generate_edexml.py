"""`klaspoort generate-edexml --school 12AB00 --pupils N`: a generated EDEXML 2.1 file on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from klaspoort.core.codes import CodeError
from klaspoort.core.commands import TranslatedCommand
from klaspoort.core.output import write_bytes
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.writer import write_edexml


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(TranslatedCommand):
    help = (
        "Write a deterministic, realistic (fictitious) EDEXML 2.1 roster to stdout, "
        "e.g. `klaspoort generate-edexml --school 12AB00 --pupils 400 > EDEX.XML`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="BRIN + location code, e.g. 12AB00")
        parser.add_argument("--pupils", required=True, type=_positive, help="number of pupils (1 or more)")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same file (default 0)")
        parser.add_argument("--year", help="school year, e.g. 2026-2027 (default: the current one)")
        parser.add_argument(
            "--with-problems",
            action="store_true",
            help="add staff that break the import rules and a few unstable ('#') keys",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = generate_roster(
                options["school"],
                options["pupils"],
                seed=options["seed"],
                year=options["year"],
                with_problems=options["with_problems"],
            )
        except CodeError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        data = write_edexml(document)
        write_bytes(self.stdout, data)
