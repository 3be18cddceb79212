from __future__ import annotations

import pytest

from klaspoort.accounts import tokens
from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.models import Account, OneTimeToken
from klaspoort.accounts.staff import do_add_role, do_create_staff, do_remove_role, ensure_staff_accounts
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement
from tests.accounts.conftest import MakeStaff

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def test_create_coordinator_by_hand(school: SchoolLocation, mailoutbox) -> None:
    placement = do_create_staff(
        school,
        " Cor@School.Example ",
        roles=["ict_coordinator"],
        first_name="Cor",
        surname="Dijk",
        actor=SystemActor("account:x"),
    )
    assert placement.roles == ["ict_coordinator"]
    assert placement.source == StaffPlacement.Source.MANUAL
    assert placement.las_key is None
    staff = placement.staff
    assert (staff.email, staff.first_name, staff.surname) == ("cor@school.example", "Cor", "Dijk")
    account = Account.objects.get(email="cor@school.example")
    assert staff.account == account
    assert account.kind == "staff"
    assert not account.is_active
    assert not account.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["cor@school.example"]
    assert "Beste Cor," in mailoutbox[0].body
    assert OneTimeToken.objects.filter(account=account, purpose=tokens.ACTIVATION).count() == 1
    event = AuditEvent.objects.get(action="staff.created")
    assert event.actor == "account:x"
    assert event.data == {"roles": ["ict_coordinator"]}


def test_create_existing_person_adds_roles_without_new_account(
    school: SchoolLocation, teacher: StaffPlacement, mailoutbox
) -> None:
    placement = do_create_staff(
        school, teacher.staff.email, roles=["internal_counsellor", "teacher"], actor=SYSTEM
    )
    assert placement.pk == teacher.pk
    assert placement.roles == ["teacher", "internal_counsellor"]
    assert Account.objects.count() == 1
    assert mailoutbox == []  # already active


def test_create_at_a_second_school(teacher: StaffPlacement, other_school: SchoolLocation, mailoutbox) -> None:
    placement = do_create_staff(other_school, teacher.staff.email, roles=["remedial_teacher"], actor=SYSTEM)
    assert placement.school == other_school
    assert StaffPlacement.objects.filter(staff=teacher.staff).count() == 2
    assert Account.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "roles", "message"),
    [
        ("geen-adres", ["intern"], "'geen-adres' is geen geldig e-mailadres."),
        ("a@school.example", ["directeur"], "Onbekende rol 'directeur'."),
        ("a@school.example", [], "Geef minstens één rol op."),
    ],
)
def test_create_refusals_change_nothing(
    school: SchoolLocation, email: str, roles: list[str], message: str, mailoutbox
) -> None:
    with pytest.raises(AccountError) as info:
        do_create_staff(school, email, roles=roles, actor=SYSTEM)
    assert str(info.value).startswith(message)
    assert StaffMember.objects.count() == 0
    assert StaffPlacement.objects.count() == 0
    assert Account.objects.count() == 0
    assert mailoutbox == []


def test_add_and_remove_role(teacher: StaffPlacement, school: SchoolLocation, make_staff: MakeStaff) -> None:
    coordinator = make_staff(school, "c1@school.example", roles=["ict_coordinator"])
    assert do_add_role(teacher, "intern", by=coordinator, actor="account:c")
    assert not do_add_role(teacher, "intern", by=coordinator)
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher", "intern"]
    assert do_remove_role(teacher, "intern", by=coordinator, actor="account:c")
    assert not do_remove_role(teacher, "intern", by=coordinator)
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "data"))
    assert actions[-2:] == [
        ("staff.role_added", {"role": "intern"}),
        ("staff.role_removed", {"role": "intern"}),
    ]


def test_unknown_role_is_refused(
    teacher: StaffPlacement, school: SchoolLocation, make_staff: MakeStaff
) -> None:
    coordinator = make_staff(school, "c1@school.example", roles=["ict_coordinator"])
    with pytest.raises(AccountError):
        do_add_role(teacher, "admin", by=coordinator)
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher"]


def test_last_coordinator_keeps_the_role(school: SchoolLocation, make_staff: MakeStaff) -> None:
    first = make_staff(school, "c1@school.example", roles=["ict_coordinator"])
    with pytest.raises(AccountError, match="minstens één ICT-coördinator"):
        do_remove_role(first, "ict_coordinator", by=first)
    first.refresh_from_db()
    assert first.roles == ["ict_coordinator"]
    second = make_staff(school, "c2@school.example", roles=["ict_coordinator"])
    assert do_remove_role(first, "ict_coordinator", by=second)
    with pytest.raises(AccountError):
        do_remove_role(second, "ict_coordinator", by=second)


@pytest.mark.parametrize("who", ["teacher", "coordinator elsewhere", "ended coordinator", "nobody"])
def test_roles_are_given_and_taken_only_by_a_coordinator_of_the_school(
    who: str,
    teacher: StaffPlacement,
    school: SchoolLocation,
    other_school: SchoolLocation,
    make_staff: MakeStaff,
) -> None:
    """The action checks its own authorization: called directly, an unauthorised actor changes nothing."""
    colleague = make_staff(school, "c1@school.example", roles=["teacher", "intern"])
    actor = {
        "teacher": teacher,
        "coordinator elsewhere": make_staff(other_school, "c2@school.example", roles=["ict_coordinator"]),
        "ended coordinator": make_staff(school, "c3@school.example", roles=["ict_coordinator"]),
        "nobody": None,
    }[who]
    if who == "ended coordinator":
        StaffPlacement.objects.filter(pk=actor.pk).update(active=False)
        actor.refresh_from_db()
    events_before = AuditEvent.objects.count()

    with pytest.raises(AccountError, match="Alleen een ICT-coördinator van deze school"):
        do_add_role(colleague, "remedial_teacher", by=actor)
    with pytest.raises(AccountError, match="Alleen een ICT-coördinator van deze school"):
        do_remove_role(colleague, "intern", by=actor)

    colleague.refresh_from_db()
    assert colleague.roles == ["teacher", "intern"]
    assert AuditEvent.objects.count() == events_before


def test_ensure_accounts_is_batched(school: SchoolLocation, django_assert_max_num_queries) -> None:
    members = [StaffMember.objects.create(email=f"l{i}@school.example") for i in range(30)]
    existing = Account.objects.create_user("l0@school.example", kind="staff")
    with django_assert_max_num_queries(5):
        created = ensure_staff_accounts(members)
    assert len(created) == 29
    assert existing not in created
    assert StaffMember.objects.filter(account__isnull=True).count() == 0
    assert StaffMember.objects.get(email="l0@school.example").account == existing
    assert ensure_staff_accounts(list(StaffMember.objects.all())) == []
