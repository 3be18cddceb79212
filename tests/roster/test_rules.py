"""The one definition of "active" and "in force" (roster.rules), with the day as a parameter."""

from __future__ import annotations

import datetime as dt

import pytest

from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, PupilMembership, StaffMembership, StaffPlacement
from tests.roster import factories

pytestmark = pytest.mark.django_db

# A day in the school year after this one, and one in the year before.
NEXT_YEAR_DAY = dt.date(current_school_year_start() + 1, 9, 1)
LAST_YEAR_DAY = dt.date(current_school_year_start() - 1, 9, 1)


def test_placements_active_at_leave_out_ended_placements_and_closed_schools() -> None:
    open_school = factories.school("12AB00", "De Regenboog")
    other = factories.school("12AB01", "De Klimop")
    closed = factories.school("34CD00", "De Eik")
    kept = factories.staff(open_school, "anna@school.example")
    elsewhere = factories.staff(other, "anna@school.example")
    ended = factories.staff(open_school, "bert@school.example")
    StaffPlacement.objects.filter(pk=ended.pk).update(active=False)
    factories.staff(closed, "carla@school.example")
    closed.active = False
    closed.save(update_fields=["active"])

    assert set(StaffPlacement.objects.active_at()) == {kept, elsewhere}
    assert list(StaffPlacement.objects.active_at(open_school)) == [kept]
    assert list(StaffPlacement.objects.active_at(other.pk)) == [elsewhere]
    assert list(StaffPlacement.objects.active_at(closed)) == []
    assert list(kept.staff.placements.active_at(open_school, on=NEXT_YEAR_DAY)) == [kept]


def test_pupils_active_at_leave_out_removed_pupils_and_closed_schools() -> None:
    school = factories.school()
    closed = factories.school("34CD00", "De Eik")
    staying = factories.pupil(school, "Sanne")
    gone = factories.pupil(school, "Daan")
    Pupil.objects.filter(pk=gone.pk).update(active=False)
    factories.pupil(closed, "Eva")
    SchoolLocation.objects.filter(pk=closed.pk).update(active=False)

    assert list(Pupil.objects.active_at()) == [staying]
    assert list(Pupil.objects.active_at(school)) == [staying]
    assert list(Pupil.objects.active_at(closed)) == []


def test_groups_in_force_follow_the_day_asked_about() -> None:
    school = factories.school()
    this_year = factories.group(school, "Groep 5")
    next_year = factories.group(school, "Groep 6", year_group="6", year_offset=1)
    factories.group(school, "Groep 7", year_group="7", active=False)

    assert list(Group.objects.in_force()) == [this_year]
    assert list(Group.objects.in_force(on=NEXT_YEAR_DAY)) == [next_year]
    assert list(Group.objects.in_force(on=LAST_YEAR_DAY)) == []
    assert list(Group.objects.in_year(current_school_year_start() + 1)) == [next_year]


def test_pupil_memberships_in_force_need_an_active_pupil_in_a_group_in_force() -> None:
    school = factories.school()
    this_year = factories.group(school, "Groep 5")
    next_year = factories.group(school, "Groep 6", year_group="6", year_offset=1)
    sanne = factories.pupil(this_year, "Sanne", also_in=[next_year])
    daan = factories.pupil(this_year, "Daan")
    Pupil.objects.filter(pk=daan.pk).update(active=False)

    now_in_force = PupilMembership.objects.in_force()
    assert [(m.pupil_id, m.group_id) for m in now_in_force] == [(sanne.pk, this_year.pk)]
    later = PupilMembership.objects.in_force(on=NEXT_YEAR_DAY)
    assert [(m.pupil_id, m.group_id) for m in later] == [(sanne.pk, next_year.pk)]
    of_active = PupilMembership.objects.of_active_pupils().filter(group=this_year)
    assert [m.pupil_id for m in of_active] == [sanne.pk]


def test_staff_memberships_in_force_need_an_active_placement_in_a_group_in_force() -> None:
    school = factories.school()
    this_year = factories.group(school, "Groep 5")
    next_year = factories.group(school, "Groep 6", year_group="6", year_offset=1)
    anna = factories.staff(school, "anna@school.example", groups=[this_year, next_year])
    bert = factories.staff(school, "bert@school.example", groups=[this_year])
    StaffPlacement.objects.filter(pk=bert.pk).update(active=False)

    assert [(m.placement_id, m.group_id) for m in StaffMembership.objects.in_force()] == [
        (anna.pk, this_year.pk)
    ]
    assert [(m.placement_id, m.group_id) for m in StaffMembership.objects.in_force(on=NEXT_YEAR_DAY)] == [
        (anna.pk, next_year.pk)
    ]


def test_placements_and_staff_memberships_with_days_of_their_own_count_only_on_those_days() -> None:
    """A substitute's placement and membership (C14): from the first to the last day, both included;
    an open end is no limit."""
    school = factories.school()
    group = factories.group(school, "Groep 5")
    today = dt.date(current_school_year_start(), 9, 10)  # well inside this school year
    first, last = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    bounded = factories.staff(school, "invaller@school.example", groups=[group])
    StaffPlacement.objects.filter(pk=bounded.pk).update(starts_on=first, ends_on=last)
    StaffMembership.objects.filter(placement=bounded).update(starts_on=first, ends_on=last)
    from_day = factories.staff(school, "nieuw@school.example", groups=[group])
    StaffPlacement.objects.filter(pk=from_day.pk).update(starts_on=last)
    days = [today + dt.timedelta(days=offset) for offset in range(4)]

    assert [set(StaffPlacement.objects.active_at(school, on=day)) for day in days] == [
        set(),
        {bounded},
        {bounded, from_day},
        {from_day},
    ]
    assert [
        sorted(StaffMembership.objects.in_force(on=day).values_list("placement_id", flat=True))
        for day in days
    ] == [[], [bounded.pk], sorted([bounded.pk, from_day.pk]), [from_day.pk]]
    year = current_school_year_start()
    assert [
        list(
            StaffMembership.objects.in_year(year, on=day)
            .filter(placement=bounded)
            .values_list("group", flat=True)
        )
        for day in days
    ] == [[], [group.pk], [group.pk], []]
