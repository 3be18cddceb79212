"""A school's roster as an EdexDocument (for `export-edexml`), in a fixed number of queries.

What an import would bring in again: the active groups of the school year, the active pupils, and
the staff the import manages (active placements with the teacher role and a LAS key, with their
group links), each through the roster's rule methods (`roster.rules`; a closed school has no active
pupils or staff). Importing the written file into the same school changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from klaspoort.core import clock
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import (
    EdexDocument,
    EdexGroup,
    EdexPupil,
    EdexSchool,
    EdexStaff,
    EdexStaffGroup,
)
from klaspoort.roster.importing.diff_staff import TEACHER
from klaspoort.roster.models import (
    Group,
    ImportRun,
    Pupil,
    PupilMembership,
    StaffMembership,
    StaffPlacement,
)
from klaspoort.roster.schoolyears import year_in_force


def export_year(school: SchoolLocation) -> int:
    """The school year to export: the newest with active groups, else that of the last applied
    import, else the current one."""
    newest = (
        Group.objects.active()
        .filter(school=school)
        .order_by("-school_year__start_year")
        .values_list("school_year__start_year", flat=True)
        .first()
    )
    if newest is None:
        newest = (
            ImportRun.objects.filter(
                school=school, status=ImportRun.Status.APPLIED, school_year__isnull=False
            )
            .order_by("-started_at")
            .values_list("school_year__start_year", flat=True)
            .first()
        )
    return newest if newest is not None else year_in_force(school)


def _groups(school: SchoolLocation, year: int) -> tuple[EdexGroup, ...]:
    rows = (
        Group.objects.in_year(year)
        .filter(school=school)
        .order_by("kind", "year_group", "name", "id")
        .values_list("las_key", "name", "kind", "year_group", "description")
    )
    return tuple(
        EdexGroup(key=key, name=name, kind=kind, year_group=year_group, description=description)
        for key, name, kind, year_group, description in rows
    )


def _pupils(school: SchoolLocation, year: int) -> tuple[EdexPupil, ...]:
    home: dict[int, str] = {}
    composites: dict[int, list[str]] = defaultdict(list)
    for pupil_id, key, kind in (
        PupilMembership.objects.in_year(year)
        .filter(pupil__school=school)
        .order_by("group_id")
        .values_list("pupil_id", "group__las_key", "group__kind")
    ):
        if kind == Group.Kind.HOME:
            home[pupil_id] = key
        else:
            composites[pupil_id].append(key)
    rows = (
        Pupil.objects.active_at(school)
        .order_by("id")
        .values_list("id", "las_key", "first_name", "infix", "surname", "eck_id", "year_group")
    )
    return tuple(
        EdexPupil(
            key=key,
            first_name=first_name,
            surname=surname,
            infix=infix,
            eck_id=eck_id,
            year_group=year_group,
            group_key=home.get(pupil_id),
            composite_keys=tuple(composites.get(pupil_id, ())),
        )
        for pupil_id, key, first_name, infix, surname, eck_id, year_group in rows
    )


def _staff(school: SchoolLocation, year: int) -> tuple[EdexStaff, ...]:
    links: dict[int, list[EdexStaffGroup]] = defaultdict(list)
    for placement_id, key, roles in (
        StaffMembership.objects.in_year(year)
        .filter(placement__school=school)
        .order_by("group_id")
        .values_list("placement_id", "group__las_key", "las_roles")
    ):
        links[placement_id].append(EdexStaffGroup(key, tuple(roles)))
    rows = (
        StaffPlacement.objects.active_at(school)
        .filter(las_key__isnull=False)
        .order_by("id")
        .values_list(
            "id",
            "las_key",
            "las_roles",
            "roles",
            "staff__email",
            "staff__first_name",
            "staff__infix",
            "staff__surname",
            "staff__eck_id",
        )
    )
    return tuple(
        EdexStaff(
            key=key,
            first_name=first_name,
            surname=surname,
            infix=infix,
            eck_id=eck_id,
            email=email,
            roles=tuple(las_roles),
            groups=tuple(links[placement_id]),
        )
        for placement_id, key, las_roles, roles, email, first_name, infix, surname, eck_id in rows
        if key and TEACHER in roles and links.get(placement_id)
    )


def export_roster(school: SchoolLocation, *, start_year: int | None = None) -> EdexDocument:
    year = export_year(school) if start_year is None else start_year
    return EdexDocument(
        version=codes.CURRENT_VERSION,
        school=EdexSchool(
            school_year=f"{year}-{year + 1}",
            brin=school.brin,
            location_code=school.location_code,
            peildatum=clock.today(),
            author="klaspoort export-edexml",
        ),
        groups=_groups(school, year),
        pupils=_pupils(school, year),
        staff=_staff(school, year),
    )
