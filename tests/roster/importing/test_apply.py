from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)
from tests.roster.importing.conftest import Importer
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import ECK, GROUPS, PUPILS, STAFF, roster

pytestmark = pytest.mark.django_db


def _memberships(las_key: str) -> set[str]:
    return set(
        PupilMembership.objects.filter(pupil__las_key=las_key).values_list("group__las_key", flat=True)
    )


def test_first_import_creates_the_roster(run_import: Importer) -> None:
    outcome = run_import(roster())

    assert outcome.status == "applied"
    assert outcome.plan is not None
    assert outcome.plan.counts() == {
        "groups": {"added": 4, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
        "pupils": {"added": 4, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
        "staff": {"added": 3, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0},
    }
    assert sorted(
        Group.objects.values_list("las_key", "kind", "name", "year_group", "school_year__start_year")
    ) == [
        ("G5", "home", "5A", "5", 2026),
        ("G6", "home", "6A", "6", 2026),
        ("G6B", "home", "6B", "6", 2026),
        ("SG1", "composite", "Plusklas rekenen", "", 2026),
    ]
    emma = Pupil.objects.get(las_key="L1")
    assert (emma.first_name, emma.infix, emma.surname, emma.eck_id, emma.year_group, emma.active) == (
        "Emma", "de", "Vries", ECK + "a1", "5", True,
    )  # fmt: skip
    assert _memberships("L1") == {"G5", "SG1"}
    assert _memberships("L3") == {"G6"}
    member = StaffMember.objects.get(email="marieke.jansen@regenboog.nl")  # stored lower-case
    placement = StaffPlacement.objects.get(staff=member)
    assert (placement.las_key, placement.las_roles, placement.roles, placement.source, placement.active) == (
        "T1", ["LRK"], ["teacher"], "import", True,
    )  # fmt: skip
    assert sorted(
        StaffMembership.objects.filter(placement__las_key="T2").values_list("group__las_key", "las_roles")
    ) == [("G6", ["LRK"]), ("SG1", ["RT"])]


def test_importing_the_same_file_twice_changes_nothing(run_import: Importer) -> None:
    run_import(roster())
    before = roster_state()

    again = run_import(roster())

    assert again.status == "applied"
    assert again.plan is not None
    assert not again.plan.has_changes
    assert again.plan.counts()["pupils"] == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 4,
        "moved": 0,
    }
    assert again.plan.counts()["staff"]["unchanged"] == 3
    assert roster_state() == before


def test_moved_pupil_keeps_uuid_and_changes_group(run_import: Importer) -> None:
    run_import(roster())
    uuid_before = Pupil.objects.get(las_key="L3").uuid
    moved = tuple(replace(p, group_key="G6B") if p.key == "L3" else p for p in PUPILS)

    outcome = run_import(roster(pupils=moved))

    assert outcome.plan is not None
    assert outcome.plan.counts()["pupils"] == {
        "added": 0,
        "changed": 1,
        "removed": 0,
        "unchanged": 3,
        "moved": 1,
    }
    assert [item.fields for item in outcome.plan.pupils.moved] == [("groups",)]
    assert Pupil.objects.get(las_key="L3").uuid == uuid_before
    assert _memberships("L3") == {"G6B"}


def test_changed_fields_are_named(run_import: Importer) -> None:
    run_import(roster())
    renamed = tuple(replace(p, surname="Vries-Smit", year_group="6") if p.key == "L1" else p for p in PUPILS)

    outcome = run_import(roster(pupils=renamed))

    assert outcome.plan is not None
    assert [(i.key, i.fields) for i in outcome.plan.pupils.changed] == [("L1", ("surname", "year_group"))]
    assert Pupil.objects.get(las_key="L1").surname == "Vries-Smit"


def test_only_the_fields_that_changed_are_written_in_one_update(run_import: Importer) -> None:
    run_import(roster())
    changes = {"L1": {"surname": "Vries-Smit"}, "L3": {"first_name": "Saar"}}
    renamed = tuple(replace(p, **changes[p.key]) if p.key in changes else p for p in PUPILS)
    before = {p.las_key: (p.first_name, p.surname, p.year_group) for p in Pupil.objects.all()}

    with CaptureQueriesContext(connection) as queries:
        run_import(roster(pupils=renamed))

    table = Pupil._meta.db_table
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}" SET')]
    assert len(updates) == 1
    assert re.findall(r'"(\w+)" = \(?CASE', updates[0]) == ["first_name", "surname"]
    after = {p.las_key: (p.first_name, p.surname, p.year_group) for p in Pupil.objects.all()}
    assert after == {
        **before,
        "L1": (before["L1"][0], "Vries-Smit", before["L1"][2]),
        "L3": ("Saar", before["L3"][1], before["L3"][2]),
    }


def test_removed_pupil_is_deactivated_and_returns_with_same_uuid(run_import: Importer) -> None:
    run_import(roster())
    noah = Pupil.objects.get(las_key="L2")

    gone = run_import(roster(pupils=tuple(p for p in PUPILS if p.key != "L2")))

    assert gone.plan is not None
    assert [item.key for item in gone.plan.pupils.removed] == ["L2"]
    noah.refresh_from_db()
    assert (noah.active, noah.deactivated_at is not None) == (False, True)
    assert _memberships("L2") == set()

    back = run_import(roster())

    assert back.plan is not None
    assert [item.key for item in back.plan.pupils.added] == ["L2"]
    returned = Pupil.objects.get(las_key="L2")
    assert (returned.uuid, returned.active, returned.deactivated_at) == (noah.uuid, True, None)
    assert _memberships("L2") == {"G6"}
    assert Pupil.objects.count() == 4


def test_pupil_who_left_counts_as_removed(run_import: Importer) -> None:
    run_import(roster())
    left = tuple(replace(p, left=True) if p.key == "L4" else p for p in PUPILS)

    outcome = run_import(roster(pupils=left))

    assert outcome.plan is not None
    assert [item.key for item in outcome.plan.pupils.removed] == ["L4"]
    assert Pupil.objects.get(las_key="L4").active is False


def test_new_key_same_eck_id_is_the_same_pupil(run_import: Importer) -> None:
    run_import(roster())
    emma = Pupil.objects.get(las_key="L1")
    rekeyed = tuple(replace(p, key="L1-new") if p.key == "L1" else p for p in PUPILS)

    outcome = run_import(roster(pupils=rekeyed))

    assert outcome.plan is not None
    assert [(i.key, i.fields) for i in outcome.plan.pupils.changed] == [("L1-new", ("las_key",))]
    assert Pupil.objects.get(las_key="L1-new").uuid == emma.uuid
    assert "Leerling 'L1-new' is herkend aan het ECK iD; de key was eerder 'L1'." in [
        str(w) for w in outcome.warnings
    ]


def test_unstable_keys_are_matched_by_eck_id_or_name(run_import: Importer) -> None:
    unstable = tuple(replace(p, key=f"#{p.key}") for p in PUPILS)
    first = run_import(roster(pupils=unstable))
    assert not any("zijn er" in str(w) for w in first.warnings)  # nothing to recognise yet
    uuids = dict(Pupil.objects.values_list("first_name", "uuid"))
    shuffled = tuple(replace(p, key=f"#x{index}") for index, p in enumerate(reversed(unstable)))

    outcome = run_import(roster(pupils=shuffled))

    assert outcome.plan is not None
    assert outcome.plan.counts()["pupils"] == {
        "added": 0,
        "changed": 4,
        "removed": 0,
        "unchanged": 0,
        "moved": 0,
    }
    assert dict(Pupil.objects.values_list("first_name", "uuid")) == uuids
    assert sorted(Pupil.objects.values_list("las_key", flat=True)) == ["#x0", "#x1", "#x2", "#x3"]
    assert any("4 herkend (3 aan het ECK iD, 1 aan naam en jaargroep)" in str(w) for w in outcome.warnings)


def test_swapped_unstable_keys_do_not_collide(run_import: Importer) -> None:
    first = tuple(replace(p, key=f"#{p.key}") for p in PUPILS)
    run_import(roster(pupils=first))
    keys = [p.key for p in first]
    swapped = tuple(replace(p, key=keys[(index + 1) % len(keys)]) for index, p in enumerate(first))

    outcome = run_import(roster(pupils=swapped))

    assert outcome.status == "applied"
    assert dict(Pupil.objects.values_list("first_name", "las_key")) == {p.first_name: p.key for p in swapped}


def test_group_absent_from_file_is_deactivated(run_import: Importer) -> None:
    run_import(roster())
    without = tuple(g for g in GROUPS if g.key != "SG1")
    pupils = tuple(replace(p, composite_keys=()) for p in PUPILS)
    staff = tuple(replace(s, groups=tuple(g for g in s.groups if g.key != "SG1")) for s in STAFF)

    outcome = run_import(roster(groups=without, pupils=pupils, staff=staff))

    assert outcome.plan is not None
    assert [item.key for item in outcome.plan.groups.removed] == ["SG1"]
    assert Group.objects.get(las_key="SG1").active is False
    assert PupilMembership.objects.filter(group__las_key="SG1").count() == 0
    assert [(i.key, i.fields) for i in outcome.plan.staff.changed] == [("T2", ("groups",))]


def test_staff_at_two_schools_is_one_person_with_two_placements(run_import: Importer) -> None:
    other = do_register_school("12AB01", name="De Regenboog Oost")
    run_import(roster())
    oost = replace(roster().school, location_code="01")

    outcome = run_import(roster(school=oost, staff=STAFF[:1]), target=other)

    assert outcome.status == "applied"
    member = StaffMember.objects.get(email="marieke.jansen@regenboog.nl")
    assert sorted(member.placements.values_list("school__location_code", "las_key")) == [
        ("00", "T1"),
        ("01", "T1"),
    ]
    assert StaffMember.objects.count() == 3


def test_removed_staff_lose_placement_and_groups(run_import: Importer) -> None:
    run_import(roster())

    outcome = run_import(roster(staff=STAFF[:2]), allow_mass_removal=True)

    assert outcome.plan is not None
    assert [item.key for item in outcome.plan.staff.removed] == ["T3"]
    placement = StaffPlacement.objects.get(staff__email="petra.visser@regenboog.nl")
    assert (placement.active, placement.roles, placement.las_key) == (False, [], None)
    assert placement.deactivated_at is not None
    assert placement.memberships.count() == 0


def test_removed_staff_keeps_manual_roles(run_import: Importer) -> None:
    run_import(roster())
    StaffPlacement.objects.filter(las_key="T3").update(roles=["teacher", "ict_coordinator"])

    run_import(roster(staff=STAFF[:2]), allow_mass_removal=True)

    placement = StaffPlacement.objects.get(staff__email="petra.visser@regenboog.nl")
    assert (placement.active, placement.roles) == (True, ["ict_coordinator"])
    assert placement.memberships.count() == 0


def test_manual_placement_gets_teacher_role_and_keeps_its_own(run_import: Importer, school: object) -> None:
    member = StaffMember.objects.create(
        email="petra.visser@regenboog.nl", first_name="Petra", surname="Visser"
    )
    StaffPlacement.objects.create(staff=member, school=school, roles=["internal_counsellor"], source="manual")

    outcome = run_import(roster())

    assert outcome.plan is not None
    assert [item.key for item in outcome.plan.staff.added] == ["T1", "T2", "T3"]
    placement = StaffPlacement.objects.get(staff=member)
    assert (placement.roles, placement.source, placement.las_key) == (
        ["internal_counsellor", "teacher"],
        "manual",
        "T3",
    )
    assert StaffMember.objects.count() == 3


def test_staff_email_change_in_las_keeps_the_person(run_import: Importer) -> None:
    run_import(roster())
    person = StaffMember.objects.get(email="petra.visser@regenboog.nl")
    changed = tuple(replace(s, email="p.visser@regenboog.nl") if s.key == "T3" else s for s in STAFF)

    outcome = run_import(roster(staff=changed))

    assert outcome.plan is not None
    assert [(i.key, i.fields) for i in outcome.plan.staff.changed] == [("T3", ("email",))]
    person.refresh_from_db()
    assert person.email == "p.visser@regenboog.nl"
