"""`check_messages`: what CI runs (`make check-messages`) to keep every text in Dutch and English.

Fails when a marked text has no English or a fuzzy one, when a catalogue is not what
`makemessages` would make of the code (a new text was not extracted, or an old one not removed),
or when a template shows text outside translation tags. Each problem names the file and line and
how to fix it. The extraction check needs GNU gettext: without it, it is skipped with a message,
except under CI=true, where it is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from klaspoort.core.i18n.catalogues import LANGUAGES, PACKAGE_DIR, Routing, klaspoort_apps
from klaspoort.core.i18n.completeness import catalogue_problems, relative
from klaspoort.core.i18n.template_text import UNTRANSLATED_TEMPLATES, findings

TEMPLATE_HINT = (
    'wrap it in {% translate "…" %} (with variables: {% blocktranslate %}…{% endblocktranslate %}), '
    "or list a deliberate exception in klaspoort/core/i18n/template_text.py"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Fail when a text lacks English, is fuzzy, is not extracted, or is not marked in a template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--package-dir", default=str(PACKAGE_DIR), help="The klaspoort package folder.")
        parser.add_argument("--apps", default="", help="Comma-separated app modules (default: installed).")

    def handle(self, *args: Any, **options: Any) -> None:
        package_dir = Path(options["package_dir"]).resolve()
        root = package_dir.parent.parent
        apps = [a for a in options["apps"].split(",") if a] or klaspoort_apps()
        routing = Routing(package_dir, apps)
        failures: list[str] = []

        for rel in routing.template_files():
            if str(rel) in UNTRANSLATED_TEMPLATES:
                continue
            source = (package_dir / rel).read_text(encoding="utf-8")
            for found in findings(source, plain_text=rel.suffix == ".txt"):
                shown = relative(package_dir / rel, root)
                failures.append(
                    f"{shown}:{found.line}: {found.where} {found.text!r} is not translated: {TEMPLATE_HINT}"
                )

        catalogues = [c.po_path(lang) for c in routing.catalogues() for lang in LANGUAGES]
        catalogues = [path for path in catalogues if path.exists()]
        failures += [p.shown(root) for p in catalogue_problems(catalogues, root)]

        if shutil.which("xgettext") and shutil.which("msgmerge"):
            try:
                call_command(
                    "makemessages", check=True, package_dir=str(package_dir), apps=",".join(apps), verbosity=0
                )
            except CommandError as exc:
                failures.append(str(exc))
        elif _in_ci():
            failures.append("CI=true but GNU gettext is missing: install Debian's 'gettext' (.ci/run does)")
        else:
            self.stderr.write(
                "Skipped the extraction check: GNU gettext (xgettext, msgmerge) is not installed "
                "(apt-get install gettext). CI runs it."
            )

        if failures:
            raise CommandError(
                f"{len(failures)} translation problem(s):\n"
                + "\n".join(failures)
                + "\nHow to add a text: docs/style.md"
            )
        self.stdout.write(
            f"Translations complete: {_count(catalogues)} texts in {len(catalogues)} catalogues."
        )


def _count(paths: list[Path]) -> int:
    import polib

    return sum(len([e for e in polib.pofile(str(p)) if not e.obsolete]) for p in paths)
