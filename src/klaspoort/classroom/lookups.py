"""Queries of the teacher screens. Permission rules themselves live in accounts.permissions."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from klaspoort.accounts.permissions import visible_groups
from klaspoort.accounts.pupils.actions import group_credentials
from klaspoort.accounts.pupils.queries import parse_ref
from klaspoort.classroom.access import StaffAccess
from klaspoort.roster.models import Group, PupilMembership, StaffMembership
from klaspoort.roster.rules import pupil_active_q


def current_visible_groups(access: StaffAccess) -> QuerySet[Group]:
    return visible_groups(access.placement)


def group_list(access: StaffAccess) -> list[Group]:
    return list(
        current_visible_groups(access)
        .annotate(pupil_count=Count("pupil_memberships", filter=pupil_active_q("pupil_memberships__pupil__")))
        .order_by("kind", "year_group", "name")
    )


def visible_group(access: StaffAccess, group_uuid: str) -> Group | None:
    """The group if this staff member may see it (own group, or any for school-wide roles)."""
    parsed = parse_ref(group_uuid)
    if parsed is None:
        return None
    return current_visible_groups(access).filter(uuid=parsed).select_related("school", "school_year").first()


def teachers_of(group: Group) -> list[StaffMembership]:
    return list(
        StaffMembership.objects.in_force()
        .filter(group=group)
        .select_related("placement__staff")
        .order_by("placement__staff__surname", "placement__staff__first_name")
    )


def group_members(group: Group) -> list[PupilMembership]:
    """Active members with credentials (created on first need, pictures unique in home groups)."""
    return group_credentials(group)


def pupil_in_visible_group(access: StaffAccess, group_uuid: str, pupil_uuid: str) -> PupilMembership | None:
    """The membership of an active pupil in a group the staff member may see (None otherwise)."""
    group = visible_group(access, group_uuid)
    pupil_ref = parse_ref(pupil_uuid)
    if group is None or pupil_ref is None:
        return None
    membership = (
        PupilMembership.objects.of_active_pupils()
        .filter(group=group, pupil__uuid=pupil_ref)
        .select_related("pupil__pupil_credential", "pupil__school")
        .first()
    )
    if membership is not None:
        membership.group = group
    return membership
