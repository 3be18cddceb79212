"""Roster rows for tests, created directly (no EDEXML import needed): schools, groups, pupils, staff.

The one place tests build a roster by hand; every package's fixtures use these.

    school(code, name) -> SchoolLocation                      registered as the register would
    group(school, name, *, year_group, kind, ...) -> Group     in this school year (or `year_offset`)
    pupil(group or school, first_name, surname, ...) -> Pupil  member of the group (and `also_in`)
    pupils(group, count) -> list[Pupil]
    staff(school, email, *, roles, groups, ...) -> StaffPlacement   a teacher by default
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from klaspoort.accounts.models import Account
from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
    StaffRole,
)

_keys = itertools.count(1)


def school(code: str = "12AB00", name: str = "De Regenboog") -> SchoolLocation:
    return do_register_school(code, name=name)


def school_year(offset: int = 0) -> SchoolYear:
    year, _created = SchoolYear.objects.get_or_create(start_year=current_school_year_start() + offset)
    return year


def group(
    at: SchoolLocation,
    name: str = "Groep 5",
    *,
    year_group: str = "5",
    kind: str = Group.Kind.HOME,
    year_offset: int = 0,
    active: bool = True,
) -> Group:
    """A group of this school year; only home groups have a year group."""
    return Group.objects.create(
        school=at,
        school_year=school_year(year_offset),
        kind=kind,
        las_key=f"g{next(_keys)}",
        name=name,
        year_group=year_group if kind == Group.Kind.HOME else "",
        active=active,
    )


def pupil(
    at: Group | SchoolLocation,
    first_name: str,
    surname: str = "Jansen",
    *,
    infix: str = "",
    eck_id: str = "",
    year_group: str | None = None,
    also_in: Iterable[Group] = (),
) -> Pupil:
    """A pupil in group `at` (and the groups `also_in`), or at school `at` without any group."""
    home = at if isinstance(at, Group) else None
    created = Pupil.objects.create(
        school=home.school if home else at,
        las_key=f"p{next(_keys)}",
        first_name=first_name,
        infix=infix,
        surname=surname,
        eck_id=eck_id,
        year_group=(home.year_group if home else "") if year_group is None else year_group,
    )
    groups = [home, *also_in] if home else list(also_in)
    PupilMembership.objects.bulk_create(PupilMembership(pupil=created, group=each) for each in groups)
    return created


def pupils(in_group: Group, count: int) -> list[Pupil]:
    return [pupil(in_group, f"Kind{index:02d}", f"Achternaam{index:02d}") for index in range(count)]


def staff(
    at: SchoolLocation,
    email: str,
    *,
    roles: Iterable[str] = (StaffRole.TEACHER,),
    groups: Iterable[Group] = (),
    first_name: str = "Anna",
    infix: str = "",
    surname: str = "de Vries",
    eck_id: str = "",
    account: Account | None = None,
    las_key: str | None = None,
) -> StaffPlacement:
    """A placement at `at` with `roles` and `groups`; the person (by email) is made on first use."""
    member, _created = StaffMember.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "infix": infix,
            "surname": surname,
            "eck_id": eck_id,
            "account": account,
        },
    )
    placement = StaffPlacement.objects.create(
        staff=member, school=at, roles=list(roles), las_key=las_key or email
    )
    StaffMembership.objects.bulk_create(StaffMembership(placement=placement, group=each) for each in groups)
    return placement
