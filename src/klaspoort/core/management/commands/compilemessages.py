"""`compilemessages` without GNU gettext: compiles every klaspoort catalogue with polib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from klaspoort.core.i18n.catalogues import PACKAGE_DIR
from klaspoort.core.i18n.compile import catalogue_files, compile_stale


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Compile the .po catalogues of the klaspoort package to .mo files (only stale ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Compile every catalogue, stale or not.")
        parser.add_argument("--package-dir", default=str(PACKAGE_DIR), help="The klaspoort package folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        package_dir = Path(options["package_dir"])
        for mo in compile_stale(catalogue_files(package_dir), force=options["all"]):
            if options["verbosity"] > 0:
                self.stdout.write(f"compiled {mo.relative_to(package_dir)}")
