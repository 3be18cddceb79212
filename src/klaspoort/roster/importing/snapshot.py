"""The school's current roster as plain data: what the planner compares a file with.

`CurrentRoster` holds, for one school and one school year, the groups of that year, every pupil of
the school (active or not: a returning pupil keeps its uuid), the staff placements at the school and
the staff members the plan may need (those placed here and those whose email is in the file).
Memberships are limited to the groups of that school year.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class SchoolIdentity:
    code: str  # 12AB00
    brin: str
    location_code: str
    instellingsnummer: str = ""


@dataclass(frozen=True)
class CurrentGroup:
    id: int
    key: str
    kind: str
    name: str
    year_group: str
    description: str
    active: bool

    @property
    def las_key(self) -> str:
        return self.key


@dataclass(frozen=True)
class CurrentPupil:
    id: int
    uuid: uuid.UUID
    key: str
    first_name: str
    infix: str
    surname: str
    eck_id: str
    year_group: str
    active: bool
    memberships: tuple[tuple[int, int], ...] = ()  # (membership id, group id), this year's groups

    @property
    def las_key(self) -> str:
        return self.key


@dataclass(frozen=True)
class CurrentStaffMember:
    id: int
    uuid: uuid.UUID
    email: str
    first_name: str
    infix: str
    surname: str
    eck_id: str


@dataclass(frozen=True)
class CurrentPlacement:
    id: int
    staff_id: int
    key: str | None
    las_roles: tuple[str, ...]
    roles: tuple[str, ...]
    active: bool
    memberships: tuple[tuple[int, int, tuple[str, ...]], ...] = ()  # (id, group id, las roles)


@dataclass(frozen=True)
class CurrentRoster:
    school: SchoolIdentity
    start_year: int
    newest_year: int | None = None  # the newest school year with active groups, up to the one in force
    in_force_year: int | None = None  # the school year in force today (None: not checked)
    groups: tuple[CurrentGroup, ...] = ()
    pupils: tuple[CurrentPupil, ...] = ()
    placements: tuple[CurrentPlacement, ...] = ()
    members: tuple[CurrentStaffMember, ...] = ()
