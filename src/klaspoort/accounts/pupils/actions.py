"""State changes of pupil credentials and pupil login attempts (do_* actions)."""

from __future__ import annotations

import datetime as dt
import math
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import Actor, require_teacher_of
from klaspoort.accounts.pupils import crypto
from klaspoort.accounts.pupils.allocation import Seat, plan_pictures
from klaspoort.accounts.pupils.card_keys import forget_group, forget_groups_of
from klaspoort.accounts.pupils.codes import (
    CodeKind,
    code_problem,
    default_kind,
    generate_code,
    normalise_submission,
)
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.pictures import identity_picture
from klaspoort.accounts.pupils.queries import has_credential, home_group_of, members_of
from klaspoort.accounts.pupils.throttle import PupilThrottle
from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.roster.models import Group, Pupil, PupilMembership
from klaspoort.roster.rules import pupil_active_q

FAILURE_WINDOW = dt.timedelta(hours=24)


class CredentialError(ValueError):
    """A change to a pupil's credential is refused; the message says why (Dutch)."""


def _new_slug() -> str:
    return secrets.token_urlsafe(12)


def _fresh_credential(pupil: Pupil, picture: str, year_group: str) -> PupilCredential:
    kind = default_kind(pupil.year_group or year_group)
    return PupilCredential(
        pupil=pupil,
        slug=_new_slug(),
        picture=picture,
        kind=kind.value,
        secret=crypto.seal(pupil.uuid, kind.value, generate_code(kind)),
        code_set_at=now(),
    )


def do_ensure_credentials(group: Group, memberships: Sequence[PupilMembership]) -> bool:
    """Give every pupil of `group` a credential and a picture unique in the group (first need only).

    `memberships` are the group's active members with `pupil__pupil_credential` loaded. Returns
    whether anything was written; the caller then reloads. Nothing is written when all is in order.
    """
    by_seniority = sorted(memberships, key=lambda membership: membership.pk)
    seats = [
        Seat(str(m.pupil.uuid), credential.picture if (credential := has_credential(m.pupil)) else None)
        for m in by_seniority
    ]
    changes = plan_pictures(seats)
    if not changes:
        return False
    with transaction.atomic():
        created: list[PupilCredential] = []
        updated: list[PupilCredential] = []
        for membership in by_seniority:
            picture = changes.get(str(membership.pupil.uuid))
            if picture is None:
                continue
            credential = has_credential(membership.pupil)
            if credential is None:
                created.append(_fresh_credential(membership.pupil, picture, group.year_group))
            else:
                credential.picture = picture
                updated.append(credential)
        # Two first visits at once: the second one's rows are dropped, the first one's kept.
        PupilCredential.objects.bulk_create(created, ignore_conflicts=True)
        PupilCredential.objects.bulk_update(updated, ["picture"])
    forget_group(group.school.instelling_ref, group.uuid)
    if created:
        record_event(
            "pupil.credentials_created", subject=f"group:{group.uuid}",
            school_ref=group.school.instelling_ref, count=len(created),
        )  # fmt: skip
    return True


def group_credentials(group: Group) -> list[PupilMembership]:
    """A group's active members with credentials, created on first need: pictures unique in a home
    group; a composite group's pupils get theirs from their own home group."""
    members = members_of(group)
    if group.kind == Group.Kind.HOME and do_ensure_credentials(group, members):
        members = members_of(group)
    elif group.kind != Group.Kind.HOME and any(has_credential(m.pupil) is None for m in members):
        for membership in members:
            if has_credential(membership.pupil) is None:
                ensure_credential(membership.pupil)
        members = members_of(group)
    return members


def ensure_credential(pupil: Pupil) -> PupilCredential | None:
    """The pupil's credential, created via their current home group when missing (e.g. home login)."""
    credential = has_credential(pupil)
    if credential is not None:
        return credential
    group = home_group_of(pupil)
    if group is None:
        return None
    do_ensure_credentials(group, members_of(group))
    return PupilCredential.objects.filter(pupil=pupil).first()


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    wait_seconds: int = 0  # > 0: try again after this many seconds

    @property
    def throttled(self) -> bool:
        return not self.ok and self.wait_seconds > 0


def note_failed_attempt(credential: PupilCredential) -> None:
    """One more wrong try in the 24 hours the teacher sees (a PIN, picture password or login card)."""
    moment = now()
    PupilCredential.objects.filter(pk=credential.pk).update(
        failed_attempts=Case(
            When(last_failed_at__gte=moment - FAILURE_WINDOW, then=F("failed_attempts") + 1), default=Value(1)
        ),
        last_failed_at=moment,
    )


def verify_code(credential: PupilCredential, pupil_uuid: uuid.UUID, submitted: str) -> bool:
    """Is `submitted` the pupil's current code? No throttling: use do_pupil_code_attempt for logins."""
    kind = CodeKind(credential.kind)
    return crypto.matches(credential.secret, pupil_uuid, kind.value, normalise_submission(kind, submitted))


def do_pupil_code_attempt(
    credential: PupilCredential,
    submitted: str,
    *,
    device: str,
    client_ip: str | None,
    school_ref: uuid.UUID,
    context: str = "school",
    actor: str = "",
    throttle: PupilThrottle | None = None,
) -> AttemptResult:
    """One login attempt with a pupil's code, throttled per (pupil, device) and per pupil.

    `credential.pupil` must be loaded. The caller signs the pupil in when the result is ok.
    """
    throttle = throttle or PupilThrottle()
    pupil = credential.pupil
    verdict = throttle.admit(pupil.uuid, device)
    if verdict.wait > 0:
        return AttemptResult(ok=False, wait_seconds=verdict.wait_seconds)
    subject = f"pupil:{pupil.uuid}"
    if verify_code(credential, pupil.uuid, submitted):
        throttle.settle(pupil.uuid, device, verdict, ok=True)
        record_event(
            "pupil.login", actor=actor, subject=subject, school_ref=school_ref, client_ip=client_ip or None,
            context=context,
        )  # fmt: skip
        return AttemptResult(ok=True)
    wait = throttle.settle(pupil.uuid, device, verdict, ok=False)
    note_failed_attempt(credential)
    record_event(
        "pupil.login", outcome="failed", actor=actor, subject=subject, school_ref=school_ref,
        client_ip=client_ip or None, context=context,
    )  # fmt: skip
    return AttemptResult(ok=False, wait_seconds=math.ceil(wait))


@transaction.atomic
def do_set_picture(
    credential: PupilCredential, picture: str, *, group: Group, actor: Actor, school_ref: uuid.UUID
) -> PupilCredential:
    """The teacher picks another picture; it must be free in the group. `actor`: staff who see a
    group of the pupil (`require_teacher_of`; PermissionDenied otherwise) or a system actor."""
    by = require_teacher_of(actor, credential.pupil)
    if identity_picture(picture) is None:
        raise CredentialError(_("Dat plaatje bestaat niet."))
    with transaction.atomic():
        taken = set(
            PupilCredential.objects.filter(
                pupil_active_q("pupil__"), pupil__memberships__group=group, picture=picture
            ).exclude(pk=credential.pk)
            .values_list("pk", flat=True)
        )  # fmt: skip
        if taken:
            raise CredentialError(_("Dat plaatje heeft al een andere leerling in deze groep."))
        previous = credential.picture
        credential.picture = picture
        credential.save(update_fields=["picture"])
    forget_groups_of(credential.pupil_id, school_ref)
    record_event(
        "pupil.picture_changed", actor=by, subject=f"pupil:{credential.pupil.uuid}", school_ref=school_ref,
        previous=previous, picture=picture,
    )  # fmt: skip
    return credential


@transaction.atomic
def do_new_code(
    credential: PupilCredential,
    *,
    actor: Actor,
    school_ref: uuid.UUID,
    kind: CodeKind | None = None,
    code: str | None = None,
) -> PupilCredential:
    """A new code (generated unless given), optionally of another kind (PIN <-> picture password).

    `actor` must be staff who see a group in force the pupil is in (`require_teacher_of`;
    PermissionDenied otherwise) or a system actor."""
    by = require_teacher_of(actor, credential.pupil)
    new_kind = kind or CodeKind(credential.kind)
    value = code if code is not None else generate_code(new_kind)
    problem = code_problem(new_kind, value)
    if problem:
        raise CredentialError(problem)
    previous_kind = credential.kind
    credential.kind = new_kind.value
    credential.secret = crypto.seal(credential.pupil.uuid, new_kind.value, value)
    credential.code_set_at = now()
    credential.save(update_fields=["kind", "secret", "code_set_at"])
    if previous_kind != new_kind.value:
        forget_groups_of(credential.pupil_id, school_ref)
    record_event(
        "pupil.code_changed", actor=by, subject=f"pupil:{credential.pupil.uuid}", school_ref=school_ref,
        previous_kind=previous_kind, kind=new_kind.value,
    )  # fmt: skip
    return credential


def reveal_code(credential: PupilCredential, *, actor: str, school_ref: uuid.UUID) -> tuple[CodeKind, str]:
    """The pupil's code in plain text for their teacher (E1); every reveal is audited."""
    kind, code = crypto.unseal(credential.secret, credential.pupil.uuid)
    record_event(
        "pupil.code_revealed", actor=actor, subject=f"pupil:{credential.pupil.uuid}", school_ref=school_ref
    )
    return CodeKind(kind), code
