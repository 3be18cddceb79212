"""The staff login service: who authenticate_staff lets in, with which placements, in how many queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.login import authenticate_staff
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
EMAIL = "anna.jansen@school.example"


def _authenticate(email: str = EMAIL, password: str = PASSWORD):
    return authenticate_staff(RequestFactory().post("/login/"), email, password)


def test_a_teacher_at_one_school_costs_one_query(teacher: StaffPlacement) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = _authenticate()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT"]
    assert result.outcome == "ok"
    assert [p.pk for p in result.placements] == [teacher.pk]
    assert result.account is not None
    assert result.account.pk == teacher.staff.account_id
    assert result.staff is not None
    assert result.staff.uuid == teacher.staff.uuid


def test_several_schools_come_in_name_order_sharing_one_account(
    teacher: StaffPlacement, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(other_school)
    closed = do_register_school("56EF00", name="Aan de Dijk")
    make_staff(closed)
    SchoolLocation.objects.filter(pk=closed.pk).update(active=False)

    result = _authenticate()

    assert result.outcome == "ok"
    assert [p.school.name for p in result.placements] == ["De Klimop", "De Regenboog"]
    assert all(p.staff.account is result.account for p in result.placements)


def test_right_password_without_an_active_placement_is_no_school(teacher: StaffPlacement) -> None:
    StaffPlacement.objects.filter(pk=teacher.pk).update(active=False)
    result = _authenticate()
    assert (result.outcome, result.placements) == ("no_school", ())
    assert result.account is not None
    assert result.account.pk == teacher.staff.account_id
    assert AuditEvent.objects.get(action="login.failed").data["reason"] == "no_school"


@pytest.mark.parametrize(
    ("email", "password"), [(EMAIL, "verkeerd wachtwoord"), ("niemand@school.example", PASSWORD)]
)
def test_wrong_password_or_unknown_address_is_invalid(
    teacher: StaffPlacement, email: str, password: str
) -> None:
    result = _authenticate(email, password)
    assert (result.outcome, result.account, result.placements) == ("invalid", None, ())
    assert AuditEvent.objects.filter(action__startswith="login.").count() == 1
    assert AuditEvent.objects.get(action__startswith="login.").action == "login.failed"


def test_an_account_not_activated_yet_is_invalid_even_with_a_school(
    school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(school, active=False)
    assert _authenticate().outcome == "invalid"
