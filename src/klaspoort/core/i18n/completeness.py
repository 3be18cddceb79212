"""Checks on the catalogues themselves: every text translated, nothing fuzzy, placeholders kept,
one translation per Dutch text, and "je" rather than "u" in the Dutch texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

# %(name)s, %s, %d and {name} placeholders must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")
# Formal address in a Dutch text. Klaspoort says "je" and "jouw" to pupils, parents and teachers.
FORMAL = re.compile(r"(?<![\w'\u2019-])(u|uw|U|Uw|UW)(?![\w'\u2019-])")
# Dutch texts in which a bare "u" is not an address (none yet). The one place for exceptions.
FORMAL_ALLOWED: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def shown(self, root: Path) -> str:
        return f"{relative(self.path, root)}:{self.line}: {self.message}"


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 70 else text[:67] + "...")


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in range(2)]
    return [entry.msgstr]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def entry_problems(path: Path, entry: polib.POEntry) -> Iterator[Problem]:
    line = entry.linenum or 0
    if entry.msgid not in FORMAL_ALLOWED and FORMAL.search(entry.msgid):
        yield Problem(
            path,
            line,
            f"{_short(entry.msgid)} says 'u'/'uw': klaspoort says 'je'/'jouw' to everyone "
            "(docs/style.md); change the Dutch text in the code, then run `make messages`",
        )
    if "fuzzy" in entry.flags:
        yield Problem(
            path,
            line,
            f"{_short(entry.msgid)} is fuzzy (a guess by msgmerge): check the English, "
            "then delete the '#, fuzzy' line and any '#|' lines above it",
        )
    missing = [text for text in _translations(entry) if not text.strip()]
    if missing:
        yield Problem(path, line, f"{_short(entry.msgid)} has no English: fill in msgstr")
        return
    sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    for source, translation in zip(sources, _translations(entry), strict=False):
        if _placeholders(source) != _placeholders(translation):
            yield Problem(
                path,
                line,
                f"{_short(entry.msgid)}: the English must keep the placeholders "
                f"{_placeholders(source)} (it has {_placeholders(translation)})",
            )


def catalogue_problems(paths: Iterable[Path], root: Path) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str | None, str], tuple[Path, polib.POEntry]] = {}
    for path in paths:
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            problems.extend(entry_problems(path, entry))
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                other_path, other = seen[key]
                if _translations(other) != _translations(entry):
                    problems.append(
                        Problem(
                            path,
                            entry.linenum or 0,
                            f"{_short(entry.msgid)} is translated differently in "
                            f"{relative(other_path, root)}:{other.linenum}; "
                            "Django would pick one: make them equal, or give one a context (pgettext)",
                        )
                    )
            else:
                seen[key] = (path, entry)
    return problems
