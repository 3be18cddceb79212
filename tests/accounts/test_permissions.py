from __future__ import annotations

import uuid

import pytest

from klaspoort.accounts import permissions
from klaspoort.accounts.principal import Principal
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, StaffMembership, StaffPlacement, StaffRole
from tests.accounts.conftest import MakeStaff
from tests.roster import factories

pytestmark = pytest.mark.django_db

ALL_ROLES = ["teacher", "ict_coordinator", "internal_counsellor", "remedial_teacher", "intern", "substitute"]


@pytest.fixture
def groups(school: SchoolLocation) -> list[Group]:
    return [factories.group(school, f"Groep {n}", year_group=str(n)) for n in (3, 4, 5)]


def test_the_six_roles_exist() -> None:
    assert sorted(StaffRole.values) == sorted(ALL_ROLES)


@pytest.mark.parametrize(
    ("roles", "coordinator", "whole_school"),
    [
        (["teacher"], False, False),
        (["ict_coordinator"], True, True),
        (["internal_counsellor"], False, True),
        (["remedial_teacher"], False, True),
        (["intern"], False, False),
        (["substitute"], False, False),
        (["teacher", "internal_counsellor"], False, True),
    ],
)
def test_role_rules(school: SchoolLocation, make_staff: MakeStaff, roles, coordinator, whole_school) -> None:
    placement = make_staff(school, roles=roles)
    assert permissions.roles_of(placement) == frozenset(roles)
    assert permissions.is_coordinator(placement) is coordinator
    assert permissions.sees_whole_school(placement) is whole_school
    assert permissions.can_manage_staff(placement, school) is coordinator


def test_inactive_placement_has_no_roles(school: SchoolLocation, make_staff: MakeStaff) -> None:
    placement = make_staff(school, roles=["ict_coordinator"])
    placement.active = False
    assert permissions.roles_of(placement) == frozenset()
    assert not permissions.is_coordinator(placement)
    assert not permissions.can_manage_staff(placement, school)
    assert permissions.roles_of(None) == frozenset()


def test_roles_are_per_school(
    school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    here = make_staff(school, roles=["ict_coordinator"])
    there = make_staff(other_school, roles=["teacher"])
    assert here.staff == there.staff
    assert permissions.can_manage_staff(here, school)
    assert not permissions.can_manage_staff(here, other_school)
    assert not permissions.can_manage_staff(there, other_school)


def test_teacher_sees_own_groups_only(
    school: SchoolLocation, make_staff: MakeStaff, groups: list[Group]
) -> None:
    teacher = make_staff(school)
    StaffMembership.objects.create(placement=teacher, group=groups[1])
    assert list(permissions.visible_groups(teacher)) == [groups[1]]
    assert permissions.can_view_group(teacher, groups[1])
    assert not permissions.can_view_group(teacher, groups[0])


def test_school_wide_roles_see_every_group(
    school: SchoolLocation, make_staff: MakeStaff, groups: list[Group]
) -> None:
    counsellor = make_staff(school, roles=["internal_counsellor"])
    assert sorted(g.name for g in permissions.visible_groups(counsellor)) == ["Groep 3", "Groep 4", "Groep 5"]
    groups[2].active = False
    groups[2].save()
    assert sorted(g.name for g in permissions.visible_groups(counsellor)) == ["Groep 3", "Groep 4"]


def test_groups_of_another_school_are_invisible(
    school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff, groups: list[Group]
) -> None:
    coordinator = make_staff(other_school, roles=["ict_coordinator"])
    assert not permissions.can_view_group(coordinator, groups[0])
    assert list(permissions.visible_groups(None)) == []


def test_placement_from_principal(
    school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    placement = make_staff(school)
    staff = placement.staff
    principal = Principal(kind="staff", person=staff.uuid, school=school.instelling_ref)
    assert permissions.staff_placement_for(principal) == placement
    assert (
        permissions.staff_placement_for(
            Principal(kind="staff", person=staff.uuid, school=other_school.instelling_ref)
        )
        is None
    )
    assert (
        permissions.staff_placement_for(
            Principal(kind="pupil", person=staff.uuid, school=school.instelling_ref)
        )
        is None
    )
    assert permissions.staff_placement_for(None) is None
    assert permissions.active_placement(uuid.uuid4(), school.instelling_ref) is None
    StaffPlacement.objects.filter(pk=placement.pk).update(active=False)
    assert permissions.staff_placement_for(principal) is None


def test_closed_school_gives_no_placement(school: SchoolLocation, make_staff: MakeStaff) -> None:
    placement = make_staff(school)
    SchoolLocation.objects.filter(pk=school.pk).update(active=False)
    assert permissions.active_placement(placement.staff.uuid, school.instelling_ref) is None
    assert list(permissions.schools_of(placement.staff)) == []


def test_schools_of_lists_active_placements(
    school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    first = make_staff(school)
    second = make_staff(other_school)
    assert sorted(p.pk for p in permissions.schools_of(first.staff)) == sorted([first.pk, second.pk])


def test_has_role_and_grant(
    school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    coordinator = make_staff(school, "c@school.example", roles=["ict_coordinator"])
    teacher = make_staff(school, "t@school.example")
    elsewhere = make_staff(other_school, "e@school.example")
    assert permissions.has_role(coordinator, "ict_coordinator")
    assert not permissions.has_role(teacher, "ict_coordinator")
    assert permissions.can_grant_role(coordinator, teacher, "intern")
    assert not permissions.can_grant_role(coordinator, teacher, "directeur")
    assert not permissions.can_grant_role(teacher, coordinator, "intern")
    assert not permissions.can_grant_role(coordinator, elsewhere, "intern")
    assert not permissions.can_grant_role(None, teacher, "intern")
