"""`makemessages` that fills one English catalogue per app (see klaspoort.core.i18n.catalogues).

Run it without arguments (`make messages` does): it extracts every marked text of the package,
writes each to the catalogue of the app that owns the file, drops texts no longer used and leaves a
catalogue untouched when only its creation date would change. `--check` writes nothing and fails
when a catalogue is not up to date (CI runs it through `check_messages`): a text added or removed,
or a catalogue laid out otherwise than extraction writes it.

The layout is always the same, whoever runs it: texts are never wrapped (`--no-wrap` for xgettext,
msguniq, msgmerge and msgattrib), so an entry is one line per string (a string holding a newline is
split after it) and a translation typed on one line by hand is already in its final form. Wrapping
depended on who last wrote the file (msgmerge wraps at 79 columns, polib at 78, an editor not at
all), so every `make messages` re-wrapped entries of other apps' catalogues.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from itertools import zip_longest
from pathlib import Path, PurePosixPath
from typing import Any

import polib
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands import makemessages

from klaspoort.core.i18n.catalogues import LANGUAGES, PACKAGE_DIR, Routing, UnownedFile, klaspoort_apps


def _comparable(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


NEW_HEADER = """# Texts of one klaspoort app; msgids are the Dutch originals. How to add one: docs/style.md.
msgid ""
msgstr ""
"Project-Id-Version: klaspoort\\n"
"Report-Msgid-Bugs-To: \\n"
"POT-Creation-Date: {created}\\n"
"Language: {locale}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def _new_header(catalogue: str, locale: str) -> str:
    """Replace the template header of a new catalogue (placeholders, fuzzy) by klaspoort's."""
    header, _, entries = catalogue.partition("\n\n")
    created = re.search(r'"POT-Creation-Date: ([^\\]*)\\n"', header)
    return NEW_HEADER.format(locale=locale, created=created[1] if created else "") + "\n" + entries


def _shown(path: Path, package_dir: Path) -> str:
    try:
        return str(path.relative_to(package_dir.parent.parent))  # src/klaspoort/… from the checkout
    except ValueError:
        return str(path)


class Command(makemessages.Command):
    help = "Extract the marked texts of every klaspoort app into that app's catalogue."
    # Texts translated when shown, not when written (klaspoort.core.i18n.texts): import reports.
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        "--keyword=deferred",
        "--keyword=deferred_plural:1,2",
    ]

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; fail if a catalogue is stale."
        )
        parser.add_argument("--package-dir", default=str(PACKAGE_DIR), help="The klaspoort package folder.")
        parser.add_argument("--apps", default="", help="Comma-separated app modules (default: installed).")

    def handle(self, *args: Any, **options: Any) -> None:
        package_dir = Path(options["package_dir"]).resolve()
        apps = [a for a in options["apps"].split(",") if a] or klaspoort_apps()
        self.routing = Routing(package_dir, apps)
        self.check_only = options["check"]
        self.stale: list[str] = []
        options["locale"] = options["locale"] or list(LANGUAGES)
        options["no_obsolete"] = True
        options["no_wrap"] = True  # one layout for everyone (see the module docstring)
        options["add_location"] = options["add_location"] or "file"
        options["verbosity"] = min(options["verbosity"], 1) if self.check_only else options["verbosity"]
        previous = os.getcwd()
        os.chdir(package_dir.parent)  # locations in the catalogues read klaspoort/<file>
        try:
            super().handle(*args, **options)
        finally:
            os.chdir(previous)
            for catalogue in self.routing.catalogues():  # apps without texts keep no empty folder
                if catalogue.locale_dir.is_dir() and not any(catalogue.locale_dir.iterdir()):
                    catalogue.locale_dir.rmdir()
        if self.stale:
            raise CommandError(
                "The catalogues are not what the code marks:\n"
                + "\n".join(self.stale)
                + "\nRun `make messages` (needs GNU gettext), translate the new entries (no fuzzy ones) "
                "and commit the .po files."
            )

    def find_files(self, root: str) -> list[makemessages.TranslatableFile]:
        package = self.routing.package_dir
        found = []
        errors = []
        for relative in self.routing.source_files():
            try:
                app = self.routing.owner(relative)
            except UnownedFile as exc:
                errors.append(f"{relative}: {exc}")
                continue
            locale_dir = str(self.routing.catalogue(app).locale_dir)
            os.makedirs(locale_dir, exist_ok=True)
            if locale_dir not in self.locale_paths:
                self.locale_paths.append(locale_dir)
            dirpath = str(PurePosixPath(package.name, *relative.parts[:-1]))
            found.append(self.translatable_file_class(dirpath, relative.name, locale_dir))
        if errors:
            raise CommandError("\n".join(errors))
        return found  # source_files() is sorted

    def write_po_file(self, potfile: str, locale: str) -> None:
        """Merge in a scratch folder, then replace the catalogue only if more than its date changed."""
        real = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        with tempfile.TemporaryDirectory() as scratch:
            scratch_pot = Path(scratch, Path(potfile).name)
            shutil.copyfile(potfile, scratch_pot)
            merged = Path(scratch, locale, "LC_MESSAGES", real.name)
            if real.exists():
                merged.parent.mkdir(parents=True)
                shutil.copyfile(real, merged)
            super().write_po_file(str(scratch_pot), locale)
            new = merged.read_text(encoding="utf-8")
        old = real.read_text(encoding="utf-8") if real.exists() else None
        if old is None:
            new = _new_header(new, locale)
        if old is not None and _comparable(old) == _comparable(new):
            return
        shown = _shown(real, self.routing.package_dir)
        if self.check_only:
            self.stale.extend(_differences(shown, old or "", new))
            return
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text(new, encoding="utf-8")
        self.stdout.write(f"updated {shown}")


def _keys(catalogue: str) -> dict[tuple[str | None, str, str], polib.POEntry]:
    entries = polib.pofile(catalogue) if catalogue else []
    return {(e.msgctxt, e.msgid, e.msgid_plural): e for e in entries if not e.obsolete}


def _first_difference(old: str, new: str) -> int:
    """The number of the first line that differs (the creation date aside)."""
    pairs = zip_longest(old.splitlines(), new.splitlines(), fillvalue="")
    for number, (before, after) in enumerate(pairs, 1):
        if before != after and not (_comparable(before) == _comparable(after) == ""):
            return number
    return 0


def _differences(shown: str, old: str, new: str) -> list[str]:
    """What extraction would add to or remove from a catalogue, or else where it would lay it out
    otherwise (the first line that differs)."""
    before, after = _keys(old), _keys(new)
    found = []
    for key in after.keys() - before.keys():
        where = ", ".join(f"src/{file}" for file, _ in after[key].occurrences) or "?"
        found.append(f"{where}: {key[1]!r} is marked but missing from {shown}")
    for key in before.keys() - after.keys():
        found.append(f"{shown}:{before[key].linenum}: {key[1]!r} is no longer used by the code")
    if not found:
        found.append(
            f"{shown}:{_first_difference(old, new)}: laid out otherwise than `make messages` writes it "
            "(a text wrapped over several lines by hand or by a tool?)"
        )
    return sorted(found)
