from __future__ import annotations

import pytest

from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import Principal
from klaspoort.accounts.session_store import SessionStore
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement
from klaspoort.roster.signals import staff_access_removed, staff_added
from tests.accounts.conftest import MakeStaff
from tests.roster import factories

pytestmark = pytest.mark.django_db


def test_staff_added_creates_inactive_accounts_and_mails_in_batch(
    school: SchoolLocation, mailoutbox, django_assert_max_num_queries
) -> None:
    members = [factories.staff(school, f"l{i}@school.example", first_name=f"L{i}").staff for i in range(25)]
    with django_assert_max_num_queries(10):
        staff_added.send(sender=None, school=school, staff_uuids=[m.uuid for m in members])
    assert Account.objects.filter(kind="staff", is_active=False).count() == 25
    assert StaffMember.objects.filter(account__isnull=True).count() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)
    assert all("De Regenboog" in m.body for m in mailoutbox)
    event = AuditEvent.objects.get(action="account.activation_sent")
    assert len(event.data["accounts"]) == 25


def test_staff_added_again_sends_no_second_mail(
    school: SchoolLocation, teacher: StaffPlacement, mailoutbox
) -> None:
    staff_added.send(sender=None, school=school, staff_uuids=[teacher.staff.uuid])
    assert mailoutbox == []
    assert Account.objects.count() == 1


def _session(account: Account, school: SchoolLocation | None) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(account.pk)
    if school is not None:
        principal = Principal(
            kind="staff", person=account.uuid, school=school.instelling_ref, account=account.uuid
        )
        store["kp_principal"] = principal.to_session()
    store.create()
    assert store.session_key
    return store.session_key


def test_access_removed_ends_sessions_of_people_without_placement(
    school: SchoolLocation, teacher: StaffPlacement, make_staff: MakeStaff
) -> None:
    colleague = make_staff(school, "b@school.example")
    assert teacher.staff.account
    assert colleague.staff.account
    _session(teacher.staff.account, school)
    _session(teacher.staff.account, None)
    kept = _session(colleague.staff.account, school)
    StaffPlacement.objects.filter(pk=teacher.pk).update(active=False)
    staff_access_removed.send(sender=None, school=school, staff_uuids=[teacher.staff.uuid])
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == [kept]
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.data == {"reason": "access_removed", "count": 2}


def test_access_removed_at_one_school_ends_only_that_school(
    school: SchoolLocation, other_school: SchoolLocation, teacher: StaffPlacement, make_staff: MakeStaff
) -> None:
    make_staff(other_school)
    account = teacher.staff.account
    assert account is not None
    _session(account, school)
    elsewhere = _session(account, other_school)
    StaffPlacement.objects.filter(pk=teacher.pk).update(active=False)
    staff_access_removed.send(sender=None, school=school, staff_uuids=[teacher.staff.uuid])
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == [elsewhere]


def test_removed_staff_cannot_log_in_again(
    fast_hasher, client, school: SchoolLocation, teacher: StaffPlacement
) -> None:
    StaffPlacement.objects.filter(pk=teacher.pk).update(active=False)
    staff_access_removed.send(sender=None, school=school, staff_uuids=[teacher.staff.uuid])
    response = client.post("/login/", {"email": teacher.staff.email, "password": "zonnebloem42"})
    assert response.status_code == 200
    assert "niet (meer) aan een school gekoppeld" in response.content.decode()
