"""Who may do what, per school. The one place permission rules live.

Platform roles per school are `StaffPlacement.roles` (StaffRole values). A placement must be active.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from klaspoort.accounts.principal import Principal
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, StaffMember, StaffMembership, StaffPlacement, StaffRole
from klaspoort.roster.rules import within_days_q

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
