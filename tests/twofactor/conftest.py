"""Two-factor fixtures: staff from the account tests, and a clock for TOTP codes."""

from __future__ import annotations

import time

import pyotp
import pytest

from klaspoort.accounts.models import Account
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor import actions, crypto
from klaspoort.twofactor.models import TotpDevice
from tests.accounts.conftest import MakeStaff, fast_hasher, make_staff, school, teacher  # noqa: F401

STEP = actions.STEP_SECONDS


def code_at(account: Account, at: float) -> str:
    """What the person's app shows at unix time `at`."""
    device = TotpDevice.objects.get(account=account)
    return pyotp.TOTP(crypto.unseal(device.secret)).at(int(at))


def step_start(offset_steps: int = 0) -> float:
    """The start of the current 30-second step (plus some steps), so codes are deterministic."""
    return (int(time.time()) // STEP + offset_steps) * STEP + 1.0


def enrol(account: Account) -> list[str]:
    actions.enrolment_for(account)
    at = step_start(-2)  # earlier steps: the login itself can use the current one
    codes = actions.do_confirm_enrolment(account, code_at(account, at), at=at)
    assert codes is not None
    return codes


@pytest.fixture
def teacher_account(teacher: StaffPlacement) -> Account:  # noqa: F811
    account = teacher.staff.account
    assert account is not None
    return account


@pytest.fixture
def coordinator(school: SchoolLocation, make_staff: MakeStaff) -> StaffPlacement:  # noqa: F811
    return make_staff(school, "ict@school.example", roles=("ict_coordinator",), first_name="Ilse")
