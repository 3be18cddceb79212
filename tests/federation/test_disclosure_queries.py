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
