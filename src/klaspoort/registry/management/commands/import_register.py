from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.registry.register_import import do_import_register

MAX_BYTES = 20 * 1024 * 1024


class Command(TranslatedCommand):
    help = (
        "Import DUO's register of primary-school locations (CSV), from a file or a URL; for the "
        "monthly schedule run e.g. `klaspoort import-register --url https://…/alle-vestigingen-bo.csv`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the CSV file")
        parser.add_argument("--url", help="fetch the file from this https address instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["url"]):
            raise CommandError(_("Geef een bestand of --url op, niet allebei."))
        if options["url"]:
            data, name = self._fetch(options["url"]), options["url"]
        else:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("Bestand '%(path)s' bestaat niet of is geen bestand.") % {"path": path})
            data, name = path.read_bytes(), path.name
        run = do_import_register(data, file_name=name, actor="cli")
        if run.status == run.Status.REFUSED:
            for problem in run.problems:
                self.stderr.write(
                    _("regel %(line)d: %(message)s")
                    % {"line": problem["line"], "message": problem["message"]}
                )
            self.stderr.write(_("Het registerbestand is geweigerd; er is niets veranderd."))
            sys.exit(1)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in run.counts.items()))

    def _fetch(self, url: str) -> bytes:
        if not url.startswith("https://"):
            raise CommandError(_("--url moet een https-adres zijn."))
        try:
            with httpx.stream("GET", url, timeout=60, follow_redirects=True) as response:
                response.raise_for_status()
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise CommandError(_("Het registerbestand is groter dan 20 MB."))
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise CommandError(
                _("Het register kon niet worden opgehaald: %(reason)s") % {"reason": exc}
            ) from exc
        return b"".join(chunks)
