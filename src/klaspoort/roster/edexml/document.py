"""Plain data read from (or written to) an EDEXML file. No Django, no I/O.

Only fields the platform needs are kept: BSN/education numbers, birth dates, ethnicity, countries,
weights and postcodes are read past and never reach these objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """An error or warning, with the 1-based line in the file where it applies (0: whole file)."""

    line: int
    message: str

    def as_dict(self) -> dict[str, int | str]:
        return {"line": self.line, "message": self.message}

    def __str__(self) -> str:
        """`Regel 12: leerling 'L3' verwijst ...` (the message alone when it concerns the whole file)."""
        if self.line <= 0:
            return self.message
        text = self.message
        if len(text) > 1 and text[0].isupper() and text[1].islower():
            text = text[0].lower() + text[1:]
        return f"Regel {self.line}: {text}"


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
