"""A file for a later school year is staged: today's roster is not touched (issue 15's defect)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from klaspoort.roster import signals
from klaspoort.roster.edexml.document import EdexDocument, EdexGroup, EdexPupil, EdexSchool
from klaspoort.roster.importing.switch import do_switch_school_years
from klaspoort.roster.models import Group, Pupil, PupilMembership, StaffMembership, StaffPlacement, StagedYear
from tests.roster.importing.conftest import Importer, set_today
from tests.roster.importing.documents import GROUPS, STAFF, roster

pytestmark = pytest.mark.django_db

NEXT_SCHOOL = EdexSchool(
    school_year="2027-2028", brin="12AB", location_code="00", peildatum=dt.date(2027, 6, 1)
)
NEXT_GROUPS = (
    EdexGroup("N6", "6A", "home", "6"),
    EdexGroup("N7", "7A", "home", "7"),
    EdexGroup("N7B", "7B", "home", "7"),
    EdexGroup("SG1", "Plusklas rekenen", "composite"),
)
MOVE_UP = {"G5": "N6", "G6": "N7", "G6B": "N7B"}


@pytest.fixture
def december(monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))


def this_year(count: int = 40) -> EdexDocument:
    homes = [group for group in GROUPS if group.kind == "home"]
    pupils = tuple(
        EdexPupil(
            f"P{index}",
            f"Kind{index}",
            "Achternaam",
            year_group=homes[index % 3].year_group,
            group_key=homes[index % 3].key,
        )
        for index in range(count)
    )
    return roster(pupils=pupils)


def next_year(current: EdexDocument, leaving: int = 3) -> EdexDocument:
    """Everyone moves up one year group; the first `leaving` pupils leave at the end of the year."""
    homes = {group.key: group for group in NEXT_GROUPS}
    pupils = tuple(
        replace(pupil, group_key=MOVE_UP[pupil.group_key or ""],
                year_group=homes[MOVE_UP[pupil.group_key or ""]].year_group)
        for pupil in current.pupils[leaving:]
    )  # fmt: skip
    staff = tuple(
        replace(
            member, groups=tuple(replace(link, key=MOVE_UP.get(link.key, link.key)) for link in member.groups)
        )
        for member in STAFF
    )
    return replace(current, school=NEXT_SCHOOL, groups=NEXT_GROUPS, pupils=pupils, staff=staff)


@pytest.fixture
def received() -> Iterator[list[str]]:
    calls: list[str] = []
    handlers: dict[str, Callable[..., None]] = {}
    for name in ("staff_added", "staff_access_removed", "pupils_removed"):
        handlers[name] = lambda sender, _name=name, **kwargs: calls.append(_name)
        getattr(signals, name).connect(handlers[name])
    yield calls
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def live_roster() -> dict[str, Any]:
    """Today's roster: every pupil and placement, and the memberships of this year's groups."""
    this_year_ = {"group__school_year__start_year": 2026}
    return {
        "pupils": list(Pupil.objects.order_by("id").values()),
        "placements": list(StaffPlacement.objects.order_by("id").values()),
        "groups": list(Group.objects.filter(school_year__start_year=2026).order_by("id").values()),
        "pupil_memberships": list(PupilMembership.objects.filter(**this_year_).order_by("id").values()),
        "staff_memberships": list(StaffMembership.objects.filter(**this_year_).order_by("id").values()),
    }


def test_an_early_import_for_next_year_leaves_todays_roster_alone(
    december: None, run_import: Importer, received: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    current = this_year()
    assert run_import(current).status == "applied"
    received.clear()
    before = live_roster()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_import(next_year(current))

    assert outcome.status == "staged"
    assert live_roster() == before
    assert Pupil.objects.filter(active=True).count() == 40
    assert received == []
    assert outcome.plan is not None
    assert outcome.plan.counts()["pupils"] == {
        "added": 0,
        "changed": 37,
        "removed": 3,
        "unchanged": 0,
        "moved": 37,
    }
    staged = Group.objects.filter(school_year__start_year=2027).order_by("las_key")
    assert [group.las_key for group in staged] == ["N6", "N7", "N7B", "SG1"]
    assert PupilMembership.objects.filter(group__school_year__start_year=2027).count() == 37


def test_the_staged_year_takes_over_on_its_start_day(
    monkeypatch: pytest.MonkeyPatch, run_import: Importer, received: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    set_today(monkeypatch, dt.date(2026, 12, 3))
    current = this_year()
    run_import(current)
    run_import(next_year(current))
    received.clear()
    set_today(monkeypatch, dt.date(2027, 7, 31))
    assert do_switch_school_years() == []
    assert Pupil.objects.filter(active=True).count() == 40

    set_today(monkeypatch, dt.date(2027, 8, 1))
    with django_capture_on_commit_callbacks(execute=True):
        [outcome] = do_switch_school_years()

    assert (outcome.status, outcome.run.source if outcome.run else "") == ("applied", "school-year")
    assert sorted(Pupil.objects.filter(active=False).values_list("las_key", flat=True)) == ["P0", "P1", "P2"]
    assert Pupil.objects.get(las_key="P3").year_group == "6"
    assert received == ["pupils_removed"]
    assert StagedYear.objects.get().applied_run == outcome.run
    assert do_switch_school_years() == []


def test_this_years_imports_go_on_while_next_year_is_staged(december: None, run_import: Importer) -> None:
    current = this_year()
    run_import(current)
    run_import(next_year(current))
    staged = list(PupilMembership.objects.filter(group__school_year__start_year=2027).order_by("id").values())

    outcome = run_import(replace(current, pupils=current.pupils[:39]))  # one pupil leaves now

    assert outcome.status == "applied"
    assert Pupil.objects.get(las_key="P39").active is False
    assert (
        list(PupilMembership.objects.filter(group__school_year__start_year=2027).order_by("id").values())
        == staged
    )


def test_a_new_pupil_of_next_year_exists_inactive_until_the_start_day(
    monkeypatch: pytest.MonkeyPatch, run_import: Importer
) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    current = this_year(6)
    run_import(current)
    later = next_year(current, leaving=0)
    newcomer = EdexPupil("NEW1", "Fenna", "Smit", year_group="6", group_key="N6")
    run_import(replace(later, pupils=(*later.pupils, newcomer)))

    assert Pupil.objects.get(las_key="NEW1").active is False
    set_today(monkeypatch, dt.date(2027, 8, 1))
    do_switch_school_years()
    assert Pupil.objects.get(las_key="NEW1").active is True


def test_a_file_two_years_ahead_or_for_a_past_year_is_refused(
    monkeypatch: pytest.MonkeyPatch, run_import: Importer
) -> None:
    set_today(monkeypatch, dt.date(2027, 9, 1))
    outcome = run_import(this_year(3))
    assert outcome.status == "rejected"
    assert outcome.errors[0].message == (
        "Dit bestand is voor schooljaar 2026-2027, maar dat schooljaar is voorbij: nu loopt 2027-2028. "
        "Een ouder schooljaar wordt niet meer ingelezen."
    )
    far = replace(this_year(3), school=replace(NEXT_SCHOOL, school_year="2029-2030"))
    assert run_import(far).errors[0].message == (
        "Dit bestand is voor schooljaar 2029-2030; nu loopt 2027-2028. Alleen het volgende schooljaar "
        "(2028-2029) kan al worden ingelezen."
    )
    assert Pupil.objects.count() == 0


def test_a_second_file_for_next_year_replaces_the_staged_plan_and_shows_the_difference(
    december: None, run_import: Importer
) -> None:
    current = this_year()
    run_import(current)
    first = next_year(current)
    run_import(first)
    moved = replace(first.pupils[0], group_key="N7B", year_group="7")

    outcome = run_import(replace(first, pupils=(moved, *first.pupils[1:])))

    assert outcome.status == "staged"
    assert outcome.plan is not None
    assert outcome.plan.groups.counts() == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 4,
        "moved": 0,
    }
    assert [item.key for item in outcome.plan.pupils.moved] == ["P3"]
    assert (
        PupilMembership.objects.get(pupil__las_key="P3", group__school_year__start_year=2027).group.las_key
        == "N7B"
    )
    assert StagedYear.objects.get().run == outcome.run
    assert Pupil.objects.get(las_key="P3").year_group == "5"  # still this year's until the start day
