"""The login candidate query (compiled once): the same placements the ORM finds, every relation loaded."""

from __future__ import annotations

import pytest

from klaspoort.accounts.login_candidate import active_placements_by_email
from klaspoort.accounts.models import Account
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor.models import TotpDevice
from tests.accounts.conftest import MakeStaff

pytestmark = pytest.mark.django_db
EMAIL = "anna.jansen@school.example"


def _orm(email: str) -> list[StaffPlacement]:
    return sorted(
        StaffPlacement.objects.filter(
            staff__account__email=email, staff__account__kind="staff", active=True, school__active=True
        ).select_related("staff__account", "school"),
        key=lambda placement: (placement.school.name, placement.school_id),
    )


def test_placements_match_the_orm_and_need_no_further_query(
    teacher: StaffPlacement,
    other_school: SchoolLocation,
    make_staff: MakeStaff,
    django_assert_num_queries,
) -> None:
    make_staff(other_school)
    closed = do_register_school("56EF00", name="Aan de Dijk")
    make_staff(closed)
    SchoolLocation.objects.filter(pk=closed.pk).update(active=False)
    left = do_register_school("78GH00", name="Al Vertrokken")
    StaffPlacement.objects.filter(pk=make_staff(left).pk).update(active=False)
    expected = _orm(EMAIL)

    with django_assert_num_queries(1):
        found = active_placements_by_email(EMAIL)
        seen = [
            (p.pk, p.roles, p.school.name, p.school.instelling_ref, p.staff.uuid, p.staff.account.email)
            for p in found
        ]
        device = (
            found[0].staff.account.totp_device if hasattr(found[0].staff.account, "totp_device") else None
        )
        same_person = found[0].staff.account.staff_member is found[0].staff

    assert seen == [
        (p.pk, p.roles, p.school.name, p.school.instelling_ref, p.staff.uuid, p.staff.account.email)
        for p in expected
    ]
    assert [p.school.name for p in found] == ["De Klimop", "De Regenboog"]
    assert found[0].staff is found[1].staff
    assert device is None
    assert same_person


def test_the_two_factor_device_comes_along(teacher: StaffPlacement, django_assert_num_queries) -> None:
    account = Account.objects.get(email=EMAIL)
    device = TotpDevice.objects.create(account=account, secret="sealed")

    with django_assert_num_queries(1):
        found = active_placements_by_email(EMAIL)
        loaded = found[0].staff.account.totp_device
        back = loaded.account

    assert (loaded.pk, loaded.confirmed) == (device.pk, False)
    assert back is found[0].staff.account


@pytest.mark.parametrize(
    "address", ["nobody@school.example", "ANNA.JANSEN@school.example", "anna.jansen@school.example "]
)
def test_other_addresses_find_nothing(teacher: StaffPlacement, address: str) -> None:
    """The address arrives normalised (login.normalise_email); anything else matches nothing."""
    assert active_placements_by_email(address) == ()


def test_a_parent_account_with_the_address_is_not_a_staff_candidate(teacher: StaffPlacement) -> None:
    Account.objects.filter(email=EMAIL).update(kind="parent")
    assert active_placements_by_email(EMAIL) == ()
