"""Plain data read from (or written to) an EDEXML file. No database, no I/O.

Only fields the platform needs are kept: BSN/education numbers, birth dates, ethnicity, countries,
weights and postcodes are read past and never reach these objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from klaspoort.core.i18n.texts import Text, capitalised, show, stored


@dataclass(frozen=True)
class Problem:
    """An error or warning, with the 1-based line in the file where it applies (0: whole file).

    `text` is kept untranslated (klaspoort.core.i18n.texts): `message` is the sentence in the active
    language, `stored()` what the database keeps, so a report shows in its reader's language."""

    line: int
    text: Text | str

    @property
    def message(self) -> str:
        return capitalised(self.text.render()) if isinstance(self.text, Text) else self.text

    def as_dict(self) -> dict[str, int | str]:
        """{"line", "message"} in the active language (the JSON report's shape)."""
        return {"line": self.line, "message": self.message}

    def stored(self) -> dict[str, Any]:
        """{"line", "message" (Dutch), "msgid", "params"}: `shown` turns it into the reader's language."""
        return {"line": self.line, **stored(self.text)}

    def __str__(self) -> str:
        """`Regel 12: leerling 'L3' verwijst ...` (the message alone when it concerns the whole file)."""
        return located(self.line, self.message)


def located(line: int, message: str) -> str:
    """`Regel 12: leerling 'L3' …` in the active language (the message alone for line 0)."""
    if line <= 0:
        return message
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        message = message[0].lower() + message[1:]
    return gettext("Regel %(line)d: %(message)s") % {"line": line, "message": message}


def shown(problem: Mapping[str, Any] | str) -> str:
    """A stored problem (`Problem.stored`, or an older {"line", "message"} or "Regel …" string) as
    one line in the active language."""
    if isinstance(problem, str):
        return show(problem)
    return located(int(problem.get("line") or 0), show(problem))


@dataclass(frozen=True)
class EdexGroup:
    """`groep` (kind "home", has a year group) or `samengestelde_groep` (kind "composite")."""

    key: str
    name: str
    kind: str  # "home" | "composite"
    year_group: str = ""  # jaargroep code; "" for composite groups
    description: str = ""
    line: int = 0

    @property
    def unstable_key(self) -> bool:
        return self.key.startswith("#")


@dataclass(frozen=True)
class EdexPupil:
    """`leerling`. `left` is true when uitstroomdatum lies before peildatum."""

    key: str
    first_name: str
    surname: str
    infix: str = ""
    eck_id: str = ""
    year_group: str = ""
    group_key: str | None = None
    composite_keys: tuple[str, ...] = ()
    left: bool = False
    line: int = 0

    @property
    def unstable_key(self) -> bool:
        return self.key.startswith("#")


@dataclass(frozen=True)
class EdexStaffGroup:
    """A staff member's link to a group (home or composite), with the roles for that group."""

    key: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdexStaff:
    """`leerkracht`. The email is kept as written; rule B3 is applied by the import planner."""

    key: str
    first_name: str
    surname: str
    infix: str = ""
    eck_id: str = ""
    email: str = ""
    roles: tuple[str, ...] = ()
    groups: tuple[EdexStaffGroup, ...] = ()
    line: int = 0

    @property
    def unstable_key(self) -> bool:
        return self.key.startswith("#")


@dataclass(frozen=True)
class EdexSchool:
    """`school`: the school year and which school the file is about."""

    school_year: str  # "2026-2027"
    brin: str = ""
    location_code: str = ""  # dependancecode; "" when absent ("00" = main location)
    instellingsnummer: str = ""  # Flemish files
    schoolkey: str = ""
    peildatum: dt.date | None = None
    author: str = ""

    @property
    def start_year(self) -> int:
        return int(self.school_year[:4])


@dataclass(frozen=True)
class EdexDocument:
    """A whole, valid EDEXML file."""

    version: str  # "1.0.3" | "2.0" | "2.1" as declared or inferred
    school: EdexSchool
    groups: tuple[EdexGroup, ...]
    pupils: tuple[EdexPupil, ...]
    staff: tuple[EdexStaff, ...]
    warnings: tuple[Problem, ...] = ()


@dataclass
class ReadResult:
    """What the reader found: a document when the file is acceptable, else errors (all of them)."""

    document: EdexDocument | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors
