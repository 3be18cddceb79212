"""Read a school's current roster from the database into plain data (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Max, Q

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.document import EdexDocument
from klaspoort.roster.importing.diff_staff import normalise_email
from klaspoort.roster.importing.snapshot import (
    CurrentGroup,
    CurrentPlacement,
    CurrentPupil,
    CurrentRoster,
    CurrentStaffMember,
    SchoolIdentity,
)
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)


def school_identity(school: SchoolLocation) -> SchoolIdentity:
    return SchoolIdentity(
        code=school.code,
        brin=school.brin,
        location_code=school.location_code,
        instellingsnummer=school.instellingsnummer or "",
    )


def load_roster(school: SchoolLocation, doc: EdexDocument, *, in_force: int | None = None) -> CurrentRoster:
    """The roster of `school` for the school year of `doc`, plus the staff members whose email
    addresses `doc` uses (they may already work at another school). `in_force`: the school year in
    force today (a staged later year does not count as imported)."""
    year = doc.school.start_year
    imported = Group.objects.active().filter(school=school)
    if in_force is not None:
        imported = imported.up_to_year(in_force)
    newest = imported.aggregate(newest=Max("school_year__start_year"))
    groups = tuple(
        CurrentGroup(*row)
        for row in Group.objects.of_year(year)
        .filter(school=school)
        .values_list("id", "las_key", "kind", "name", "year_group", "description", "active")
    )
    pupil_groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for membership_id, pupil_id, group_id in (
        PupilMembership.objects.of_year(year)
        .filter(group__school=school)
        .values_list("id", "pupil_id", "group_id")
    ):
        pupil_groups[pupil_id].append((membership_id, group_id))
    pupils = tuple(
        CurrentPupil(*row, tuple(pupil_groups.get(row[0], ())))
        for row in Pupil.objects.filter(school=school)
        .order_by("id")
        .values_list(
            "id", "uuid", "las_key", "first_name", "infix", "surname", "eck_id", "year_group", "active"
        )
    )
    staff_groups: dict[int, list[tuple[int, int, tuple[str, ...]]]] = defaultdict(list)
    for membership_id, placement_id, group_id, roles in (
        StaffMembership.objects.of_year(year)
        .filter(group__school=school)
        .values_list("id", "placement_id", "group_id", "las_roles")
    ):
        staff_groups[placement_id].append((membership_id, group_id, tuple(roles)))
    placements = tuple(
        CurrentPlacement(
            id=row[0],
            staff_id=row[1],
            key=row[2],
            las_roles=tuple(row[3]),
            roles=tuple(row[4]),
            active=row[5],
            memberships=tuple(staff_groups.get(row[0], ())),
        )
        for row in StaffPlacement.objects.filter(school=school)
        .order_by("id")
        .values_list("id", "staff_id", "las_key", "las_roles", "roles", "active")
    )
    emails = sorted({normalise_email(member.email) for member in doc.staff if member.email.strip()})
    here = StaffPlacement.objects.filter(school=school).values("staff_id")
    members = tuple(
        CurrentStaffMember(*row)
        for row in StaffMember.objects.filter(Q(id__in=here) | Q(email__in=emails))
        .order_by("id")
        .values_list("id", "uuid", "email", "first_name", "infix", "surname", "eck_id")
    )
    return CurrentRoster(
        school=school_identity(school),
        start_year=year,
        newest_year=newest["newest"],
        in_force_year=in_force,
        groups=groups,
        pupils=pupils,
        placements=placements,
        members=members,
    )
