"""The planner as a pure function: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from klaspoort.roster.edexml.document import EdexStaff, EdexStaffGroup
from klaspoort.roster.importing.diff_staff import apply_rule_b3
from klaspoort.roster.importing.plan import check_school, make_plan
from klaspoort.roster.importing.snapshot import CurrentRoster, SchoolIdentity
from tests.roster.importing.documents import SCHOOL, roster

NOW = dt.datetime(2026, 10, 2, 8, 0, tzinfo=dt.UTC)
TARGET = SchoolIdentity(code="12AB00", brin="12AB", location_code="00")


def _empty(
    start_year: int = 2026, newest: int | None = None, target: SchoolIdentity = TARGET
) -> CurrentRoster:
    return CurrentRoster(school=target, start_year=start_year, newest_year=newest)


def test_first_plan_adds_everything() -> None:
    plan = make_plan(roster(), _empty(), now=NOW)

    assert plan.ok
    assert [item.key for item in plan.groups.added] == ["G5", "G6", "G6B", "SG1"]
    assert [item.key for item in plan.pupils.added] == ["L1", "L2", "L3", "L4"]
    assert [item.label for item in plan.staff.added] == ["Marieke Jansen", "Ahmed Bouzid", "Petra Visser"]
    assert plan.pupil_ops.memberships_create == [
        ("L1", "G5"), ("L1", "SG1"), ("L2", "G6"), ("L3", "G6"), ("L4", "G6B"), ("L4", "SG1"),
    ]  # fmt: skip
    assert [new.email for new in plan.staff_ops.members_create] == [
        "marieke.jansen@regenboog.nl", "ahmed.bouzid@regenboog.nl", "petra.visser@regenboog.nl",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("school", "message"),
    [
        (replace(SCHOOL, brin="34CD"), "Dit bestand is van school 34CD00, niet van 12AB00."),
        (replace(SCHOOL, location_code="01"), "Dit bestand is van school 12AB01, niet van 12AB00."),
        (
            replace(SCHOOL, brin="", location_code="", instellingsnummer="123456"),
            "Dit is een Vlaams bestand (instellingsnummer 123456); school 12AB00 is niet met dat "
            "instellingsnummer geregistreerd.",
        ),
        (
            replace(SCHOOL, brin="", location_code="", schoolkey="4711"),
            "Het bestand noemt de school alleen met een schoolkey ('4711'), zonder brincode.",
        ),
    ],
)
def test_file_for_another_school_is_refused(school: object, message: str) -> None:
    plan = make_plan(roster(school=school), _empty(), now=NOW)

    assert not plan.ok
    assert plan.errors[0].message.startswith(message)
    assert not plan.has_changes
    assert plan.pupil_ops.create == []


def test_brin_only_means_main_location() -> None:
    assert check_school(replace(SCHOOL, location_code=""), TARGET) == []
    other = SchoolIdentity(code="12AB01", brin="12AB", location_code="01")
    assert check_school(replace(SCHOOL, location_code=""), other) != []


def test_flemish_file_is_accepted_for_a_school_registered_with_that_number() -> None:
    flemish = replace(SCHOOL, brin="", location_code="", instellingsnummer="123456")
    assert check_school(flemish, replace(TARGET, instellingsnummer="123456")) == []


def test_older_school_year_is_refused() -> None:
    plan = make_plan(roster(), _empty(newest=2027), now=NOW)

    assert [problem.message for problem in plan.errors] == [
        "Dit bestand is voor schooljaar 2026-2027, maar school 12AB00 heeft al een rooster voor 2027-2028. "
        "Een ouder schooljaar wordt niet meer ingelezen."
    ]


def _staff(key: str, email: str, groups: bool = True) -> EdexStaff:
    links = (EdexStaffGroup("G5", ("LRK",)),) if groups else ()
    return EdexStaff(key, "Voor", "Naam", email=email, groups=links)


def test_rule_b3_skips_staff_with_reasons() -> None:
    accepted, skipped = apply_rule_b3(
        (
            _staff("ok", "Juf.Anna@School.nl"),
            _staff("nogroup", "meester.bas@school.nl", groups=False),
            _staff("noemail", ""),
            _staff("bad", "juf.ellen(at)school.nl"),
            _staff("twice1", "gedeeld@school.nl"),
            _staff("twice2", "GEDEELD@school.nl "),
            _staff("both", "", groups=False),
        )
    )

    assert [member.key for member in accepted] == ["ok"]
    assert [(skip.key, skip.reason) for skip in skipped] == [
        ("nogroup", "niet gekoppeld aan een groep"),
        ("noemail", "geen e-mailadres"),
        ("bad", "ongeldig e-mailadres 'juf.ellen(at)school.nl'"),
        ("twice1", "e-mailadres gedeeld@school.nl wordt door 2 medewerkers gebruikt"),
        ("twice2", "e-mailadres gedeeld@school.nl wordt door 2 medewerkers gebruikt"),
        ("both", "niet gekoppeld aan een groep; geen e-mailadres"),
    ]
