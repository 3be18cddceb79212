from __future__ import annotations

import pytest

from klaspoort.accounts.pupils import crypto
from klaspoort.accounts.pupils.actions import (
    CredentialError,
    do_new_code,
    do_set_picture,
    ensure_credential,
    reveal_code,
    verify_code,
)
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.roster.models import Group, PupilMembership
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


def test_new_code_of_the_same_kind_and_of_another_kind() -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    ref = room.school.instelling_ref
    do_new_code(credential, actor=SystemActor("staff:x"), school_ref=ref, code="4821")
    assert verify_code(credential, credential.pupil.uuid, "4821")

    do_new_code(credential, actor=SystemActor("staff:x"), school_ref=ref, kind=CodeKind.PICTURES)
    stored = PupilCredential.objects.get(pk=credential.pk)
    assert stored.kind == "pictures"
    kind, code = crypto.unseal(stored.secret, credential.pupil.uuid)
    assert kind == "pictures"
    assert len(code.split(",")) == 2
    assert not verify_code(stored, credential.pupil.uuid, "4821")
    assert list(AuditEvent.objects.filter(action="pupil.code_changed").values_list("data", flat=True)) == [
        {"previous_kind": "pin", "kind": "pictures"},
        {"previous_kind": "pin", "kind": "pin"},
    ]


def test_a_trivial_code_is_refused_and_nothing_changes() -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    before = PupilCredential.objects.get(pk=credential.pk)
    with pytest.raises(CredentialError, match="oplopende of aflopende"):
        do_new_code(
            credential, actor=SystemActor("staff:x"), school_ref=room.school.instelling_ref, code="1234"
        )
    after = PupilCredential.objects.get(pk=credential.pk)
    assert (after.secret, after.kind, after.code_set_at) == (before.secret, before.kind, before.code_set_at)
    assert not AuditEvent.objects.filter(action="pupil.code_changed").exists()


def test_set_picture_must_be_free_in_the_group() -> None:
    room = roster.classroom()
    found = roster.credentials(room.group)
    anna, bram = found["Anna"], found["Bram"]
    ref = room.school.instelling_ref
    with pytest.raises(CredentialError, match="al een andere leerling"):
        do_set_picture(anna, bram.picture, group=room.group, actor=SystemActor("staff:x"), school_ref=ref)
    with pytest.raises(CredentialError, match="bestaat niet"):
        do_set_picture(anna, "dinosaurus", group=room.group, actor=SystemActor("staff:x"), school_ref=ref)
    assert PupilCredential.objects.get(pk=anna.pk).picture == anna.picture
    free = next(
        key for key in ("uil", "muis", "konijn", "vogel") if key not in {c.picture for c in found.values()}
    )
    previous = anna.picture
    do_set_picture(anna, free, group=room.group, actor=SystemActor("staff:x"), school_ref=ref)
    assert PupilCredential.objects.get(pk=anna.pk).picture == free
    event = AuditEvent.objects.get(action="pupil.picture_changed")
    assert event.data == {"previous": previous, "picture": free}


def test_reveal_is_audited() -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    ref = room.school.instelling_ref
    do_new_code(credential, actor=SystemActor("staff:x"), school_ref=ref, code="4821")
    assert reveal_code(credential, actor="staff:juf", school_ref=ref) == (CodeKind.PIN, "4821")
    event = AuditEvent.objects.get(action="pupil.code_revealed")
    assert (event.actor, event.subject, event.school_ref) == (
        "staff:juf",
        f"pupil:{credential.pupil.uuid}",
        ref,
    )


def test_ensure_credential_goes_through_the_home_group() -> None:
    room = roster.classroom()
    plus = factories.group(room.school, "Rekenplus", kind=Group.Kind.COMPOSITE)
    PupilMembership.objects.create(pupil=room.pupils["Anna"], group=plus)
    credential = ensure_credential(room.pupils["Anna"])
    assert credential is not None
    assert PupilCredential.objects.filter(pupil__memberships__group=room.group).count() == 3
    assert ensure_credential(room.pupils["Anna"]) == credential


def test_pupil_without_home_group_gets_no_credential() -> None:
    at = factories.school()
    plus = factories.group(at, "Rekenplus", kind=Group.Kind.COMPOSITE)
    lonely = factories.pupil(plus, "Tim")
    assert ensure_credential(lonely) is None
    assert not PupilCredential.objects.exists()


def test_picture_collision_after_a_group_move_is_resolved_for_the_newcomer() -> None:
    room = roster.classroom()
    found = roster.credentials(room.group)
    other = factories.group(room.school, "Groep 6", year_group="6")
    mover = factories.pupil(other, "Mo")
    mover_credential = roster.credentials(other)["Mo"]
    PupilCredential.objects.filter(pk=mover_credential.pk).update(picture=found["Anna"].picture)
    PupilMembership.objects.filter(pupil=mover).update(group=room.group)

    after = roster.credentials(room.group)

    assert after["Anna"].picture == found["Anna"].picture  # the senior pupil keeps it
    assert after["Mo"].picture not in {c.picture for c in found.values()}
    assert len({c.picture for c in after.values()}) == 4
