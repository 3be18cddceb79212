"""The school year switches at each school on its own start day, at query time (rule B7)."""

from __future__ import annotations

import datetime as dt

import pytest

from klaspoort.accounts.permissions import visible_groups
from klaspoort.federation.disclosure_queries import GROUP_FIELDS, person_in_groups
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.importing.switch import do_switch_school_years
from klaspoort.roster.models import Group, Pupil, PupilMembership, SchoolYear, SchoolYearStart, StaffPlacement
from klaspoort.roster.schoolyears import year_in_force
from tests.roster.importing.conftest import set_today
from tests.roster.importing.documents import as_bytes
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = pytest.mark.django_db


def years_in_force(school_id: int) -> list[int]:
    return sorted(
        set(
            Group.objects.in_force()
            .filter(school_id=school_id)
            .values_list("school_year__start_year", flat=True)
        )
    )


def test_groups_memberships_and_teachers_switch_on_the_start_day(monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    school = do_register_school("12AB00", name="De Regenboog")
    current = this_year()
    do_import_edexml(school, as_bytes(current), source="cli")
    do_import_edexml(school, as_bytes(next_year(current)), source="cli")
    teacher = StaffPlacement.objects.get(las_key="T1")

    set_today(monkeypatch, dt.date(2027, 7, 31))
    assert years_in_force(school.pk) == [2026]
    assert PupilMembership.objects.in_force().filter(pupil__las_key="P0").count() == 1
    assert [group.las_key for group in visible_groups(teacher)] == ["G5"]

    set_today(monkeypatch, dt.date(2027, 8, 1))  # before the nightly job has run
    assert years_in_force(school.pk) == [2027]
    assert PupilMembership.objects.in_force().filter(pupil__las_key="P0").count() == 0  # leaves now
    assert PupilMembership.objects.in_force().filter(pupil__las_key="P4").get().group.las_key == "N7"
    assert [group.las_key for group in visible_groups(teacher)] == ["N6"]


def test_a_school_with_its_own_start_day_switches_later_in_the_same_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    early, late = do_register_school("12AB00", name="Vroeg"), do_register_school("12AB01", name="Laat")
    for school, code in ((early, "00"), (late, "01")):
        doc = this_year()
        doc = doc.__class__(
            doc.version, doc.school.__class__("2026-2027", "12AB", code), doc.groups, doc.pupils, doc.staff
        )
        do_import_edexml(school, as_bytes(doc), source="cli")
        later = next_year(doc)
        later = later.__class__(
            later.version,
            later.school.__class__("2027-2028", "12AB", code),
            later.groups,
            later.pupils,
            later.staff,
        )
        do_import_edexml(school, as_bytes(later), source="cli")
    SchoolYearStart.objects.create(
        school=late, school_year=SchoolYear.objects.get(start_year=2027), starts_on=dt.date(2027, 8, 24)
    )

    set_today(monkeypatch, dt.date(2027, 8, 10))
    assert (years_in_force(early.pk), years_in_force(late.pk)) == ([2027], [2026])
    assert (year_in_force(early), year_in_force(late)) == (2027, 2026)
    for school, group in ((early, "6A"), (late, "5A")):  # what partners receive (claims, attributes)
        pupil = Pupil.objects.get(school=school, las_key="P3")
        _person, groups = person_in_groups("pupil", pupil.uuid, school.pk)
        assert [row[GROUP_FIELDS.index("name")] for row in groups] == [group]
    assert [outcome.school_code for outcome in do_switch_school_years()] == ["12AB00"]

    set_today(monkeypatch, dt.date(2027, 8, 24))
    assert years_in_force(late.pk) == [2027]
    assert [outcome.school_code for outcome in do_switch_school_years()] == ["12AB01"]


def test_outside_july_to_september_the_query_is_the_plain_one(
    monkeypatch: pytest.MonkeyPatch, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    set_today(monkeypatch, dt.date(2027, 12, 1))
    with django_assert_num_queries(0):
        query = str(Group.objects.in_force().query)
    assert "schoolyearstart" not in query.lower()
