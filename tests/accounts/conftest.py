"""Fixtures for account tests: schools, staff with placements, accounts with known passwords."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.core.cache import cache

from klaspoort.accounts.models import Account
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement

PASSWORD = "zonnebloem42"

MakeStaff = Callable[..., StaffPlacement]


@pytest.fixture
def fast_hasher(settings: Any) -> None:
    """Cheap hashing for tests that are not about hashing (Argon2 costs ~tens of ms per call)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def empty_cache(db: None) -> Iterator[None]:
    """The shared cache (rate limits) starts and ends empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school(db: None) -> SchoolLocation:
    return do_register_school("12AB00", name="De Regenboog")


@pytest.fixture
def other_school(db: None) -> SchoolLocation:
    return do_register_school("34CD00", name="De Klimop")


def _make_staff(
    school: SchoolLocation,
    email: str = "anna.jansen@school.example",
    *,
    roles: Sequence[str] = ("teacher",),
    password: str | None = PASSWORD,
    first_name: str = "Anna",
    surname: str = "Jansen",
    active: bool = True,
) -> StaffPlacement:
    staff = StaffMember.objects.filter(email=email).first()
    if staff is None:
        account = Account.objects.create_user(email, password, kind="staff", is_active=active)
        staff = StaffMember.objects.create(
            email=email, first_name=first_name, surname=surname, account=account
        )
    return StaffPlacement.objects.create(
        staff=staff, school=school, roles=list(roles), las_key=f"{email}-key"
    )


@pytest.fixture
def make_staff(db: None, fast_hasher: None) -> MakeStaff:
    """Staff with a placement and an account; uses the fast hasher (tests about hashing make their own)."""
    return _make_staff


@pytest.fixture
def teacher(school: SchoolLocation, make_staff: MakeStaff) -> StaffPlacement:
    return make_staff(school)
