from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from klaspoort.accounts.models import Account
from klaspoort.accounts.permissions import visible_groups
from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import StaffMember, StaffMembership, StaffPlacement, StaffRole
from klaspoort.substitutes.actions import (
    NotAllowed,
    SubstituteError,
    do_activate_substitute,
    do_end_substitute,
)
from klaspoort.substitutes.models import Substitution
from tests.roster import factories
from tests.substitutes.conftest import (
    FRIDAY,
    MONDAY,
    NEXT_WEDNESDAY,
    THURSDAY,
    WEDNESDAY,
    School,
    account_of,
    activate,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[Any, ...]:
    """Everything an action could change, to assert that a refusal changed nothing."""
    return (
        list(Substitution.objects.values_list("pk", "ended_at", "ending", "last_day")),
        list(StaffMember.objects.values_list("pk", "email", "first_name")),
        list(StaffPlacement.objects.values_list("pk", "roles", "active", "starts_on", "ends_on")),
        list(StaffMembership.objects.values_list("pk", "group_id", "starts_on", "ends_on")),
        list(Account.objects.values_list("pk", "email", "kind", "is_active")),
        AuditEvent.objects.filter(action__startswith="substitute.").count(),
        len(mail.outbox),
    )


def test_a_coordinator_activates_the_slot_and_the_substitute_gets_the_activation_mail(school: School) -> None:
    substitution = activate(school, first_day=THURSDAY, school_days=2)
    assert (substitution.first_day, substitution.last_day, substitution.school_days) == (THURSDAY, FRIDAY, 2)
    assert (substitution.name, substitution.email) == ("Sanne Visser", "invaller@mail.example")
    assert (substitution.activated_by, substitution.activated_by_name) == ("staff:test", "Anna de Vries")
    assert substitution.ended_at is None
    placement = substitution.placement
    assert (placement.school_id, placement.roles, placement.active) == (
        school.school.pk,
        ["substitute"],
        True,
    )
    assert (placement.starts_on, placement.ends_on, placement.las_key) == (THURSDAY, FRIDAY, None)
    assert list(
        StaffMembership.objects.filter(placement=placement).values_list("group_id", "starts_on", "ends_on")
    ) == [(school.group.pk, THURSDAY, FRIDAY)]
    staff = placement.staff
    assert (staff.email, staff.first_name, staff.surname) == ("invaller@mail.example", "Sanne", "Visser")
    assert staff.account is not None
    assert not staff.account.is_active
    (message,) = mail.outbox
    assert message.to == ["invaller@mail.example"]
    assert message.subject == "Je valt in bij Groep 5 van De Regenboog"
    assert "van donderdag 3 december tot en met vrijdag 4 december 2026" in message.body
    assert "/activeren/" in message.body or "/activate/" in message.body
    event = AuditEvent.objects.get(action="substitute.activated")
    assert (event.actor, event.subject, event.school_ref) == (
        "staff:test",
        f"staff:{staff.uuid}",
        school.school.instelling_ref,
    )
    assert event.data == {
        "substitution": str(substitution.uuid),
        "group": str(school.group.uuid),
        "first_day": "2026-12-03",
        "last_day": "2026-12-04",
        "school_days": 2,
    }


def test_the_activation_link_works_until_the_end_of_the_last_day(school: School) -> None:
    from klaspoort.accounts.models import OneTimeToken

    activate(school, first_day=WEDNESDAY, school_days=1)
    token = OneTimeToken.objects.get(account=account_of("invaller@mail.example"))
    assert token.expires_at.astimezone().date() == dt.date(2026, 12, 3)
    assert token.expires_at.astimezone().hour == 0


def test_a_teacher_of_the_group_activates_it_too(school: School) -> None:
    substitution = activate(school, by=school.teacher, school_days=5)
    assert (substitution.first_day, substitution.last_day) == (WEDNESDAY, dt.date(2026, 12, 8))
    assert substitution.activated_by_name == "Ineke Smit"


def test_a_substitute_in_two_groups_has_one_account(school: School) -> None:
    first = activate(school, first_day=WEDNESDAY, school_days=1)
    second = activate(school, group=school.other_group, first_day=MONDAY, school_days=2)
    assert first.placement_id == second.placement_id
    assert StaffMember.objects.filter(email="invaller@mail.example").count() == 1
    assert Account.objects.filter(email="invaller@mail.example").count() == 1
    placement = StaffPlacement.objects.get(pk=first.placement_id)
    assert (placement.starts_on, placement.ends_on) == (WEDNESDAY, dt.date(2026, 12, 8))
    assert sorted(
        StaffMembership.objects.filter(placement=placement).values_list("group_id", "ends_on")
    ) == sorted([(school.group.pk, WEDNESDAY), (school.other_group.pk, dt.date(2026, 12, 8))])
    assert len(mail.outbox) == 2


def test_a_returning_substitute_whose_account_is_active_gets_the_login_link(school: School) -> None:
    activate(school, first_day=WEDNESDAY, school_days=1)
    account = account_of("invaller@mail.example")
    account.is_active = True
    account.save()
    mail.outbox.clear()
    activate(school, group=school.other_group, first_day=THURSDAY, school_days=1)
    (message,) = mail.outbox
    assert "Je account is al actief" in message.body
    assert "/login/" in message.body


@pytest.mark.parametrize("who", ["colleague", "other_coordinator", "substitute", "nobody"])
def test_someone_who_may_not_activates_nothing(school: School, who: str) -> None:
    actors = {"colleague": school.colleague, "other_coordinator": school.other_coordinator, "nobody": None}
    if who == "substitute":
        actors[who] = activate(school, group=school.other_group, email="ander@mail.example").placement
    before = state()
    with pytest.raises(NotAllowed):
        activate(school, by=actors[who])
    assert state() == before


@pytest.mark.parametrize(
    ("first_day", "school_days", "message"),
    [
        (WEDNESDAY, 6, "1, 2 of 5 schooldagen"),
        (WEDNESDAY, 3, "1, 2 of 5 schooldagen"),
        (WEDNESDAY, 0, "1, 2 of 5 schooldagen"),
        (dt.date(2026, 12, 1), 1, "in het verleden"),
        (dt.date(2026, 12, 5), 1, "schooldag"),
        (dt.date(2027, 3, 1), 1, "hoogstens 60 dagen vooruit"),
    ],
)
def test_wrong_days_are_refused(school: School, first_day: dt.date, school_days: int, message: str) -> None:
    before = state()
    with pytest.raises(SubstituteError, match=message):
        activate(school, first_day=first_day, school_days=school_days)
    assert state() == before


@pytest.mark.parametrize("kind", ["parent", "operator"])
def test_an_address_of_another_kind_of_account_is_refused(school: School, kind: str) -> None:
    Account.objects.create_user("ouder@mail.example", None, kind=kind)
    before = state()
    with pytest.raises(SubstituteError, match="ander soort account"):
        activate(school, email="Ouder@Mail.example")
    assert state() == before


@pytest.mark.parametrize("role", [StaffRole.TEACHER, StaffRole.ICT_COORDINATOR, StaffRole.INTERN])
def test_an_address_of_a_staff_member_who_is_no_substitute_is_refused(school: School, role: str) -> None:
    elsewhere = factories.school("56EF00", "De Esch")
    factories.staff(elsewhere, "meester@esch.nl", roles=(role,))
    before = state()
    with pytest.raises(SubstituteError, match="geen invaller"):
        activate(school, email="meester@esch.nl")
    assert state() == before


def test_a_taken_slot_and_a_bad_address_are_refused(school: School) -> None:
    activate(school, first_day=MONDAY, school_days=1)
    before = state()
    with pytest.raises(SubstituteError, match="al een invaller"):
        activate(school, email="tweede@mail.example")
    with pytest.raises(SubstituteError, match="geen geldig e-mailadres"):
        activate(school, group=school.other_group, email="geen-adres")
    with pytest.raises(SubstituteError, match="voornaam en de achternaam"):
        do_activate_substitute(
            school.other_group, by=school.coordinator, first_name=" ", surname="Visser",
            email="x@mail.example", first_day=MONDAY, school_days=1,
        )  # fmt: skip
    assert state() == before


def test_the_substitute_sees_the_group_exactly_on_its_days(school: School) -> None:
    """The rule lives in the roster QuerySet methods: placement, membership and visible groups
    follow the days asked about, with no job run in between."""
    substitution = activate(school, first_day=FRIDAY, school_days=2)  # Friday and Monday
    placement = StaffPlacement.objects.get(pk=substitution.placement_id)
    for offset in range(-2, 7):
        day = WEDNESDAY + dt.timedelta(days=offset + 2)
        inside = FRIDAY <= day <= MONDAY
        assert (
            StaffPlacement.objects.active_at(school.school, on=day).filter(pk=placement.pk).exists() is inside
        )
        memberships = StaffMembership.objects.in_force(on=day).filter(placement=placement)
        assert list(memberships.values_list("group_id", flat=True)) == ([school.group.pk] if inside else [])
        assert list(visible_groups(placement, on=day)) == ([school.group] if inside else [])


def test_a_teacher_of_the_group_ends_it_early_and_the_group_is_gone_at_once(
    school: School, django_capture_on_commit_callbacks: Any
) -> None:
    substitution = activate(school, first_day=WEDNESDAY, school_days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_end_substitute(substitution, by=school.teacher, actor="staff:juf") is True
    substitution.refresh_from_db()
    assert (substitution.ending, substitution.ended_by, substitution.ended_by_name) == (
        "by_hand",
        "staff:juf",
        "Ineke Smit",
    )
    assert substitution.ended_at is not None
    assert substitution.cut_off_at is not None
    placement = StaffPlacement.objects.get(pk=substitution.placement_id)
    assert placement.active is False
    assert not StaffMembership.objects.filter(placement=placement).exists()
    assert not StaffPlacement.objects.active_at(school.school).filter(pk=placement.pk).exists()
    event = AuditEvent.objects.get(action="substitute.ended")
    assert (event.actor, event.data["ending"]) == ("staff:juf", "by_hand")
    assert AuditEvent.objects.filter(action="substitute.cut_off").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert do_end_substitute(substitution, by=school.teacher, actor="staff:juf") is False
    assert AuditEvent.objects.filter(action="substitute.ended").count() == 1


def test_after_an_early_end_the_slot_can_be_activated_again(school: School) -> None:
    substitution = activate(school, first_day=WEDNESDAY, school_days=5)
    do_end_substitute(substitution, by=school.coordinator, actor="staff:ict")
    again = activate(school, first_day=THURSDAY, school_days=1, email="invaller@mail.example")
    assert again.placement_id == substitution.placement_id
    placement = StaffPlacement.objects.get(pk=again.placement_id)
    assert (placement.active, placement.starts_on, placement.ends_on) == (True, THURSDAY, THURSDAY)
    assert list(Substitution.objects.filter(group=school.group).values_list("ending", flat=True)) == [
        "",
        "by_hand",
    ]


@pytest.mark.parametrize("who", ["colleague", "other_coordinator", "substitute", "nobody"])
def test_someone_who_may_not_ends_nothing(school: School, who: str) -> None:
    substitution = activate(school, first_day=WEDNESDAY, school_days=2)
    other = activate(school, group=school.other_group, email="ander@mail.example")
    actors = {
        "colleague": school.colleague,
        "other_coordinator": school.other_coordinator,
        "substitute": other.placement,
        "nobody": None,
    }
    before = state()
    with pytest.raises(NotAllowed):
        do_end_substitute(substitution, by=actors[who], actor="x")
    assert state() == before


def test_the_days_of_a_five_day_substitute_from_thursday(school: School) -> None:
    substitution = activate(school, first_day=THURSDAY, school_days=5)
    assert substitution.last_day == NEXT_WEDNESDAY


def test_a_substitute_the_las_then_lists_as_a_teacher_stays_after_the_last_day(school: School) -> None:
    """An import that lists the substitute as a teacher of the group makes them staff like the
    others: the days go, and the end of the substitution leaves their placement and group alone."""
    from klaspoort.roster.edexml.document import EdexStaff, EdexStaffGroup
    from klaspoort.roster.importing.actions import do_import_edexml
    from klaspoort.substitutes.actions import end_finished_substitutions
    from tests.roster.importing.documents import STAFF, as_bytes, roster

    assert (
        do_import_edexml(school.school, as_bytes(roster()), source="cli", allow_mass_removal=True).status
        == "applied"
    )
    group = school.school.groups.get(las_key="G5")
    substitution = activate(school, group=group, first_day=WEDNESDAY, school_days=1)
    listed = EdexStaff(
        "T9",
        "Sanne",
        "Visser",
        email="invaller@mail.example",
        roles=("LRK",),
        groups=(EdexStaffGroup("G5", ("LRK",)),),
    )
    assert (
        do_import_edexml(school.school, as_bytes(roster(staff=(*STAFF, listed))), source="cli").status
        == "applied"
    )
    placement = StaffPlacement.objects.get(pk=substitution.placement_id)
    assert (sorted(placement.roles), placement.starts_on, placement.ends_on) == (
        ["substitute", "teacher"],
        None,
        None,
    )
    assert list(StaffMembership.objects.filter(placement=placement).values_list("group_id", "ends_on")) == [
        (group.pk, None)
    ]
    assert end_finished_substitutions(on=THURSDAY) == {"expired": 1, "cut_off": 0, "sessions": 0, "grants": 0}
    placement.refresh_from_db()
    assert (placement.active, sorted(placement.roles)) == (True, ["substitute", "teacher"])
    assert list(visible_groups(placement, on=THURSDAY)) == [group]
    assert Substitution.objects.get(pk=substitution.pk).ending == "expired"


def test_a_substitute_given_another_role_by_hand_keeps_access_after_the_last_day(school: School) -> None:
    from klaspoort.accounts.staff import do_add_role
    from klaspoort.substitutes.actions import end_finished_substitutions

    substitution = activate(school, first_day=WEDNESDAY, school_days=1)
    placement = StaffPlacement.objects.get(pk=substitution.placement_id)
    assert do_add_role(placement, StaffRole.TEACHER, by=school.coordinator, actor="staff:ict") is True
    placement.refresh_from_db()
    assert (placement.starts_on, placement.ends_on) == (None, None)
    assert list(StaffMembership.objects.filter(placement=placement).values_list("ends_on", flat=True)) == [
        None
    ]
    end_finished_substitutions(on=THURSDAY)
    assert StaffPlacement.objects.active_at(school.school, on=THURSDAY).filter(pk=placement.pk).exists()
    assert list(visible_groups(placement, on=THURSDAY)) == [school.group]


def test_the_mail_goes_out_in_the_language_the_substitute_chose(school: School) -> None:
    activate(school, first_day=WEDNESDAY, school_days=1)
    account = account_of("invaller@mail.example")
    account.is_active, account.language = True, "en"
    account.save()
    mail.outbox.clear()
    activate(school, group=school.other_group, first_day=THURSDAY, school_days=2)
    (message,) = mail.outbox
    assert message.subject == "You are substituting in Groep 7 at De Regenboog"
    assert "from Thursday 3 December to Friday 4 December 2026 inclusive" in message.body
    assert "Your account is active already." in message.body
    assert "After your last day your access ends by itself." in message.body
