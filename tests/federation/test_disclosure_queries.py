"""The written-out reads of the disclosure path: the rows the ORM would find, converted alike."""

from __future__ import annotations

import uuid

import pytest

from klaspoort.federation.actions import do_register_partner
from klaspoort.federation.disclosure_queries import consents_at, person_in_groups
from klaspoort.federation.models import Partner
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.roster.models import Group, PupilMembership, StaffPlacement
from tests.roster import factories

from .factories import make_app, partner_spec_data, tick

pytestmark = pytest.mark.django_db


def _partner(slug: str) -> Partner:
    data = partner_spec_data(slug, client_id=f"{slug}-rp")
    data["apps"][0]["slug"] = f"{slug}-app"
    return do_register_partner(parse_partner_spec(data)).partner


def test_a_teacher_comes_with_the_active_groups_of_their_active_placement(django_assert_num_queries) -> None:
    school, elsewhere = factories.school(), factories.school("34CD00", "De Klimop")
    home = factories.group(school, "Groep 5a")
    closed = factories.group(school, "Oude groep")
    Group.objects.filter(pk=closed.pk).update(active=False)
    placement = factories.staff(
        school,
        "jan@school.example",
        groups=(home, closed),
        first_name="Jan",
        infix="van",
        surname="Dam",
        eck_id="e",
    )
    factories.staff(elsewhere, "jan@school.example", groups=(factories.group(elsewhere, "Groep 8"),))

    with django_assert_num_queries(1):
        person, groups = person_in_groups("staff", placement.staff.uuid, school.pk)

    assert person == (placement.staff.uuid, "Jan", "van", "Dam", "e")
    assert groups == [(home.pk, home.uuid, "Groep 5a", "5", "home")]
    assert isinstance(groups[0][1], uuid.UUID)


def test_a_teacher_whose_placement_ended_or_without_groups_is_not_found() -> None:
    school = factories.school()
    placement = factories.staff(school, "jan@school.example", groups=(factories.group(school, "Groep 5a"),))
    loose = factories.staff(school, "els@school.example")
    StaffPlacement.objects.filter(pk=placement.pk).update(active=False)

    assert person_in_groups("staff", placement.staff.uuid, school.pk) == (None, [])
    assert person_in_groups("staff", loose.staff.uuid, school.pk) == (None, [])
    assert person_in_groups("staff", uuid.uuid4(), school.pk) == (None, [])


def test_a_pupil_comes_with_their_active_groups_and_only_at_their_school() -> None:
    school, elsewhere = factories.school(), factories.school("34CD00", "De Klimop")
    home = factories.group(school, "Groep 5a")
    club = factories.group(school, "Leesclub", kind=Group.Kind.COMPOSITE)
    pupil = factories.pupil(home, "Sanne", "Vries", infix="de", also_in=(club,))

    person, groups = person_in_groups("pupil", pupil.uuid, school.pk)

    assert person == (pupil.uuid, "Sanne", "de", "Vries", "")
    assert sorted(groups, key=lambda group: group[0]) == [
        (home.pk, home.uuid, "Groep 5a", "5", "home"),
        (club.pk, club.uuid, "Leesclub", "", "composite"),
    ]
    assert person_in_groups("pupil", pupil.uuid, elsewhere.pk) == (None, [])
    PupilMembership.objects.filter(pupil=pupil).delete()
    assert person_in_groups("pupil", pupil.uuid, school.pk) == (None, [])


def test_consents_of_the_asked_partners_at_the_school_come_with_the_school(django_assert_num_queries) -> None:
    school, elsewhere = factories.school(), factories.school("34CD00", "De Klimop")
    app, _ = make_app()
    other, not_asked = _partner("uitgeverij-zuid"), _partner("uitgeverij-oost")
    tick(school, app.partner, names=True)
    tick(elsewhere, other)
    tick(school, not_asked)

    with django_assert_num_queries(1):
        found = consents_at(school.instelling_ref, {app.partner.pk, other.pk})
        seen = {
            pk: (c.active, c.names, c.eck_id, c.school.name, c.school.instelling_ref)
            for pk, c in found.items()
        }

    assert seen == {app.partner.pk: (True, True, False, "De Regenboog", school.instelling_ref)}
    assert found[app.partner.pk].categories == {"identity", "names"}


def test_no_partners_asked_costs_no_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert consents_at(uuid.uuid4(), set()) == {}


@pytest.mark.parametrize(
    ("day", "early_year", "late_year"),
    [
        ("07-19", 2026, 2026),  # before either school's start day
        ("07-25", 2027, 2026),  # the early school switched; 1 August has not come
        ("08-10", 2027, 2026),  # past 1 August: the late school still runs last year
        ("09-02", 2027, 2027),  # both switched
    ],
)
def test_groups_follow_each_schools_own_start_day(
    monkeypatch: pytest.MonkeyPatch, day: str, early_year: int, late_year: int
) -> None:
    """Regression (#14): the compiled person-in-groups query is keyed by the year in force at the
    person's school (`roster.schoolyears.year_in_force`), not by one year for every school, so two
    schools with their own start days (20 July, 1 September) each get their own groups around the
    switch, also when the statements of both years are already compiled in this process."""
    import datetime as dt

    from klaspoort.roster.models import SchoolYear, SchoolYearStart
    from tests.roster.importing.conftest import set_today

    set_today(monkeypatch, dt.date(2027, 6, 1))
    early, late = factories.school("12AB00", "Vroeg"), factories.school("34CD00", "Laat")
    people = {}
    for school in (early, late):
        old = Group.objects.create(
            school=school, school_year=SchoolYear.objects.get_or_create(start_year=2026)[0],
            kind=Group.Kind.HOME, las_key="g26", name="5A", year_group="5",
        )  # fmt: skip
        new = Group.objects.create(
            school=school, school_year=SchoolYear.objects.get_or_create(start_year=2027)[0],
            kind=Group.Kind.HOME, las_key="g27", name="6A", year_group="6",
        )  # fmt: skip
        pupil = factories.pupil(old, "Sanne", also_in=[new])
        teacher = factories.staff(school, f"juf@{school.code}.example", groups=[old, new])
        people[school.pk] = (pupil.uuid, teacher.staff.uuid)
    year_2027 = SchoolYear.objects.get(start_year=2027)
    SchoolYearStart.objects.create(school=early, school_year=year_2027, starts_on=dt.date(2027, 7, 20))
    SchoolYearStart.objects.create(school=late, school_year=year_2027, starts_on=dt.date(2027, 9, 1))

    set_today(monkeypatch, dt.date.fromisoformat(f"2027-{day}"))
    expected = {2026: ["5A"], 2027: ["6A"]}
    for school, year in ((early, early_year), (late, late_year)):
        pupil_uuid, staff_uuid = people[school.pk]
        for kind, person in (("pupil", pupil_uuid), ("staff", staff_uuid)):
            found, groups = person_in_groups(kind, person, school.pk)  # type: ignore[arg-type]
            assert found is not None
            assert [row[2] for row in groups] == expected[year], (school.name, kind)


def test_a_consent_comes_with_what_the_disclosure_path_reads_and_nothing_more(
    django_assert_num_queries,
) -> None:
    school = factories.school()
    app, _ = make_app()
    tick(school, app.partner, names=True)

    with django_assert_num_queries(1):
        (consent,) = consents_at(school.instelling_ref, [app.partner.pk]).values()
        assert (consent.partner_id, consent.active, consent.categories) == (
            app.partner.pk,
            True,
            frozenset({"identity", "names"}),
        )
        assert (consent.school.pk, consent.school.instelling_ref, consent.school.brin) == (
            school.pk,
            school.instelling_ref,
            school.brin,
        )
        assert (consent.school.location_code, consent.school.name, consent.school.active) == (
            school.location_code,
            school.name,
            True,
        )
    assert consent.get_deferred_fields() == {"changed_at"}
    assert consent.school.get_deferred_fields() == {
        "kind", "instellingsnummer", "board_id", "created_at", "register_gone_at", "closed_at", "moved_to_id",
    }  # fmt: skip
    with django_assert_num_queries(1):  # read when used
        assert consent.school.created_at == school.created_at
