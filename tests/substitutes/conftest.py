"""Fixtures for substitute tests: a school with two groups, their teachers, a coordinator, and a
clock set to a Wednesday (`set_today` moves it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from klaspoort.accounts.models import Account
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, StaffPlacement, StaffRole
from klaspoort.substitutes.actions import do_activate_substitute
from klaspoort.substitutes.models import Substitution
from tests.roster import factories
from tests.roster.importing.conftest import set_today

WEDNESDAY = dt.date(2026, 12, 2)
THURSDAY = dt.date(2026, 12, 3)
FRIDAY = dt.date(2026, 12, 4)
MONDAY = dt.date(2026, 12, 7)
NEXT_WEDNESDAY = dt.date(2026, 12, 9)


@dataclass
class School:
    school: SchoolLocation
    group: Group
    other_group: Group
    teacher: StaffPlacement
    colleague: StaffPlacement
    coordinator: StaffPlacement
    other_coordinator: StaffPlacement


def clock_mover(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`move(day)` moves the platform's clock; it starts on a Wednesday."""

    def move(day: dt.date) -> None:
        set_today(monkeypatch, day)

    move(WEDNESDAY)
    return move


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Move the platform's clock: `today(day)`; it starts on a Wednesday."""
    return clock_mover(monkeypatch)


@pytest.fixture
def school(db: None, today: Any) -> School:
    return make_school()


def make_school() -> School:
    at = factories.school("12AB00", "De Regenboog")
    group = factories.group(at, "Groep 5", year_group="5")
    other = factories.group(at, "Groep 7", year_group="7")
    factories.pupil(group, "Anna", "Bakker")
    factories.pupil(other, "Zoë", "Kok")
    elsewhere = factories.school("34CD00", "De Klimop")
    return School(
        school=at,
        group=group,
        other_group=other,
        teacher=factories.staff(at, "juf@regenboog.nl", groups=(group,), first_name="Ineke", surname="Smit"),
        colleague=factories.staff(at, "meester@regenboog.nl", groups=(other,), first_name="Piet"),
        coordinator=factories.staff(at, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,)),
        other_coordinator=factories.staff(elsewhere, "ict@klimop.nl", roles=(StaffRole.ICT_COORDINATOR,)),
    )


def activate(
    school: School,
    *,
    by: StaffPlacement | str | None = "coordinator",
    group: Group | None = None,
    email: str = "invaller@mail.example",
    first_day: dt.date = WEDNESDAY,
    school_days: int = 2,
) -> Substitution:
    return do_activate_substitute(
        group or school.group,
        by=school.coordinator if by == "coordinator" else by,  # type: ignore[arg-type]
        first_name="Sanne",
        surname="Visser",
        email=email,
        first_day=first_day,
        school_days=school_days,
        actor="staff:test",
    )


def account_of(email: str) -> Account:
    return Account.objects.get(email=email, kind=Account.Kind.STAFF)
