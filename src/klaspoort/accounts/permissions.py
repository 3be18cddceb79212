"""Who may do what, per school. The one place permission rules live.

Platform roles per school are `StaffPlacement.roles` (StaffRole values). A placement must be active.

Actions check their actor themselves, with the same rules the pages use:

    require_coordinator_of(actor, school) -> str    an ICT coordinator of `school` (or a SystemActor)
    require_teacher_of(actor, pupil) -> str         staff who see a group in force the pupil is in
    actor_name(actor) -> str                        how the audit trail names the actor

Both read the actor's placement again (`StaffPlacement.objects.active_at`), so a placement ended or
a role taken away since the page was shown no longer counts; anything else (a parent's account, a
pupil's principal, another school's placement) raises `PermissionDenied` before anything changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from klaspoort.accounts.principal import Principal
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    StaffMember,
    StaffMembership,
    StaffPlacement,
    StaffRole,
)
from klaspoort.roster.rules import within_days_q

# Who runs a school action: the acting staff member's placement, or a command or job without a person.
Actor = StaffPlacement | SystemActor

COORDINATOR_ROLES = frozenset({StaffRole.ICT_COORDINATOR})
# Roles that see every group of their school (pupil care works across groups).
SCHOOL_WIDE_ROLES = frozenset(
    {StaffRole.ICT_COORDINATOR, StaffRole.INTERNAL_COUNSELLOR, StaffRole.REMEDIAL_TEACHER}
)


def active_placement(staff_uuid: uuid.UUID, school_ref: uuid.UUID) -> StaffPlacement | None:
    return (
        StaffPlacement.objects.active_at()
        .filter(staff__uuid=staff_uuid, school__instelling_ref=school_ref)
        .select_related("staff", "school")
        .first()
    )


def roles_of(placement: StaffPlacement | None) -> frozenset[str]:
    if placement is None or not placement.active:
        return frozenset()
    return frozenset(placement.roles)


def is_coordinator(placement: StaffPlacement | None) -> bool:
    return bool(roles_of(placement) & COORDINATOR_ROLES)


def sees_whole_school(placement: StaffPlacement | None) -> bool:
    return bool(roles_of(placement) & SCHOOL_WIDE_ROLES)


def staff_placement_for(principal: Principal | None) -> StaffPlacement | None:
    if principal is None or principal.kind != "staff":
        return None
    return active_placement(principal.person, principal.school)


def visible_groups(placement: StaffPlacement | None, *, on: dt.date | None = None) -> QuerySet[Group]:
    """Groups in force a staff member may open: their own groups (memberships within their days: a
    substitute's group only on its days, C14); school-wide roles see every group."""
    if placement is None or not placement.active:
        return Group.objects.none()
    groups = Group.objects.in_force(on=on).filter(school_id=placement.school_id)
    if sees_whole_school(placement):
        return groups
    own = Q(staff_memberships__placement=placement) & within_days_q("staff_memberships__", on)
    return groups.filter(own).distinct()


def can_view_group(placement: StaffPlacement | None, group: Group) -> bool:
    return visible_groups(placement).filter(pk=group.pk).exists()


def can_manage_staff(placement: StaffPlacement | None, school: SchoolLocation) -> bool:
    """Adding coordinators and support staff, granting roles (A5, B6)."""
    return placement is not None and placement.school_id == school.pk and is_coordinator(placement)


def schools_of(staff: StaffMember) -> QuerySet[StaffPlacement]:
    """Active placements at active schools: a multi-school teacher picks one after login."""
    return staff.placements.active_at().select_related("school")


def has_role(placement: StaffPlacement | None, role: str) -> bool:
    return role in roles_of(placement)


def can_grant_role(actor: StaffPlacement | None, target: StaffPlacement, role: str) -> bool:
    """Coordinators give or take platform roles of staff at their own school (A5, B6)."""
    return (
        role in StaffRole.values
        and actor is not None
        and target.school_id == actor.school_id
        and can_manage_staff(actor, target.school)
    )


def teaches_group(
    placement: StaffPlacement, group: Group, *, teachers: Iterable[StaffMembership] | None = None
) -> bool:
    """One of the group's own teachers: the teacher role and a membership of the group in force (not
    a substitute, an intern or support staff). `teachers`: the group's staff memberships in force
    when the caller has loaded them already (no query then)."""
    if not has_role(placement, StaffRole.TEACHER):
        return False
    if teachers is not None:
        return any(membership.placement_id == placement.pk for membership in teachers)
    return StaffMembership.objects.in_force().filter(placement=placement, group=group).exists()


def can_print_login_cards(placement: StaffPlacement | None, group: Group) -> bool:
    """Login cards with a QR code (a new card revokes the old one): the school's coordinators and
    the group's own teachers (not a substitute, an intern or support staff of another group)."""
    if placement is None or not placement.active or group.school_id != placement.school_id:
        return False
    if is_coordinator(placement):
        return visible_groups(placement).filter(pk=group.pk).exists()
    return teaches_group(placement, group)


def can_arrange_substitute(
    placement: StaffPlacement | None, group: Group, *, teachers: Iterable[StaffMembership] | None = None
) -> bool:
    """Activate or end a group's substitute (C14): the school's coordinators and the group's own
    teachers (`teaches_group`; `teachers` as there)."""
    if placement is None or not placement.active or placement.school_id != group.school_id:
        return False
    return is_coordinator(placement) or teaches_group(placement, group, teachers=teachers)


def can_see_pupil(placement: StaffPlacement | None, pupil: Pupil) -> bool:
    """The pupil is an active member of a group in force the staff member may open (one query)."""
    return (
        PupilMembership.objects.of_active_pupils()
        .filter(pupil=pupil, group__in=visible_groups(placement))
        .exists()
    )


def actor_name(actor: Actor) -> str:
    """The audit trail's name for an actor: `staff:<uuid>` (as `StaffAccess.actor`) or the system's."""
    if isinstance(actor, SystemActor):
        return actor.name
    return f"staff:{actor.staff.uuid}"


def _current(actor: object) -> StaffPlacement | None:
    """The actor's placement as it is now: active, at an active school (None for anything else)."""
    if not isinstance(actor, StaffPlacement):
        return None
    current = StaffPlacement.objects.active_at(actor.school_id).filter(pk=actor.pk).first()
    if current is not None:
        current.staff = actor.staff
    return current


def _require(actor: object, allowed: Callable[[StaffPlacement], bool], refusal: str) -> str:
    if isinstance(actor, SystemActor):
        return actor.name
    current = _current(actor)
    if current is None or not allowed(current):
        raise PermissionDenied(refusal)
    return actor_name(current)


def require_coordinator_of(actor: object, school: SchoolLocation) -> str:
    """The audit name of `actor` when it may change `school`'s settings: an ICT coordinator of that
    school now, or a system actor. PermissionDenied for anyone else."""
    return _require(
        actor,
        lambda placement: can_manage_staff(placement, school),
        gettext("Alleen de ICT-coördinator van deze school kan dit doen."),
    )


def require_teacher_of(actor: object, pupil: Pupil) -> str:
    """The audit name of `actor` when it may change `pupil`'s login or home addresses: staff who see
    a group in force the pupil is in (`visible_groups`), or a system actor. PermissionDenied else."""
    return _require(
        actor,
        lambda placement: can_see_pupil(placement, pupil),
        gettext("Alleen een leerkracht van deze leerling kan dit doen."),
    )
