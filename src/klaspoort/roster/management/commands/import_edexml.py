"""`klaspoort import-edexml FILE --school 12AB00 [--csv] [--dry-run] [--json] [--allow-mass-removal]`.

`--csv`: the file is a CSV roster (`roster.csvimport`; the template is on the school console's
roster page). A file for the next school year is staged: the report says from which day it counts.

Exit status: 0 applied (or a dry run found the file acceptable); 1 rejected or held by the
mass-removal guard (nothing changed); 2 usage errors (missing file, unknown school, bad arguments).
With --json exactly one JSON object is printed (see `roster.importing.report`). The report and the
messages are in Dutch, or in English with `--language en` (or KLASPOORT_LANGUAGE=en).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.registry.actions import find_school
from klaspoort.roster.edexml.reader import default_max_bytes
from klaspoort.roster.importing.actions import do_import_roster
from klaspoort.roster.importing.report import as_json, as_text
from klaspoort.roster.models import ImportRun


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name (e.g. an unnamed container uid)
        return "cli"


def read_limited(path: Path) -> tuple[bytes, int]:
    """The file's bytes (at most the size limit + 1) and its real size. Raises OSError."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        return handle.read(default_max_bytes() + 1), size


class Command(TranslatedCommand):
    help = "Import an EDEXML roster file into a school: plan, guard, apply, report."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the EDEXML file (often EDEX.XML)")
        parser.add_argument("--school", required=True, help="BRIN + location code, e.g. 12AB00")
        parser.add_argument("--csv", action="store_true", help="the file is a CSV roster, not EDEXML")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="apply even when more than 30 %% of the active pupils or staff would be removed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = find_school(options["school"])
        if school is None:
            message = _("School '%(school)s' is niet geregistreerd.") % {"school": options["school"]}
            raise CommandError(message, returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            message = _("Bestand '%(path)s' bestaat niet of is geen bestand.") % {"path": path}
            raise CommandError(message, returncode=2)
        try:
            data, size = read_limited(path)
        except OSError as exc:
            message = _("Bestand '%(path)s' kan niet worden gelezen: %(reason)s.") % {
                "path": path,
                "reason": exc.strerror,
            }
            raise CommandError(message, returncode=2) from exc
        outcome = do_import_roster(
            school,
            data,
            source=ImportRun.Source.CLI,
            file_format="csv" if options["csv"] else "edexml",
            actor=_actor(),
            file_name=path.name,
            dry_run=options["dry_run"],
            allow_mass_removal=options["allow_mass_removal"],
            file_size=size,
        )
        if options["json"]:
            self.stdout.write(json.dumps(as_json(outcome), ensure_ascii=False))
        else:
            self.stdout.write(as_text(outcome), ending="")
        if not outcome.ok:
            raise SystemExit(1)
