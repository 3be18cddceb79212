"""Read-only look-ups of the pupil login paths, each a single query on the hot path."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.models import RetiredInstellingRef, SchoolLocation
from klaspoort.roster.models import Group, Pupil, PupilMembership


def parse_ref(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text or "").strip())
    except ValueError:
        return None


def shortcut_groups(ref: uuid.UUID) -> list[Group]:
    """This school year's active home groups of an active school, with the school and its network."""
    return sorted(
        Group.objects.filter(
            school__instelling_ref=ref,
            school__active=True,
            kind=Group.Kind.HOME,
            active=True,
            school_year__start_year=current_school_year_start(),
        ).select_related("school__network_settings"),
        key=lambda group: (_year_order(group.year_group), group.name.lower()),
    )


def _year_order(year_group: str) -> tuple[int, str]:
    return (int(year_group), "") if year_group.isdigit() else (99, year_group)


def shortcut_school(ref: uuid.UUID) -> SchoolLocation | None:
    """The school behind a reference, active or not (for the friendly refusal pages)."""
    return SchoolLocation.objects.filter(instelling_ref=ref).select_related("network_settings").first()


def is_retired(ref: uuid.UUID) -> bool:
    return RetiredInstellingRef.objects.filter(instelling_ref=ref).exists()


def current_home_groups() -> QuerySet[Group]:
    return Group.objects.filter(
        kind=Group.Kind.HOME, active=True, school_year__start_year=current_school_year_start()
    )


def shortcut_group(ref: uuid.UUID, group_uuid: uuid.UUID) -> Group | None:
    return (
        current_home_groups()
        .filter(uuid=group_uuid, school__instelling_ref=ref, school__active=True)
        .select_related("school__network_settings")
        .first()
    )


def group_seats(ref: uuid.UUID, group_uuid: uuid.UUID) -> list[PupilMembership]:
    """Active pupils of a current home group, with credential, group, school and network: one query."""
    return list(
        PupilMembership.objects.filter(
            group__uuid=group_uuid,
            group__school__instelling_ref=ref,
            group__school__active=True,
            group__kind=Group.Kind.HOME,
            group__active=True,
            group__school_year__start_year=current_school_year_start(),
            pupil__active=True,
        )
        .select_related("pupil__pupil_credential", "group__school__network_settings")
        .order_by("pupil__first_name", "pupil__surname", "pk")
    )


def members_of(group: Group) -> list[PupilMembership]:
    """Active pupils of a group with their credentials (teacher side): one query."""
    return list(
        PupilMembership.objects.filter(group=group, pupil__active=True)
        .select_related("pupil__pupil_credential")
        .order_by("pupil__first_name", "pupil__surname", "pk")
    )


def login_seat(ref: uuid.UUID, group_uuid: uuid.UUID, slug: str) -> PupilCredential | None:
    """The credential of a pupil picked in a current home group of an active school: one query."""
    return (
        PupilCredential.objects.filter(
            slug=slug,
            pupil__active=True,
            pupil__school__instelling_ref=ref,
            pupil__school__active=True,
            pupil__memberships__group__uuid=group_uuid,
            pupil__memberships__group__kind=Group.Kind.HOME,
            pupil__memberships__group__active=True,
            pupil__memberships__group__school_year__start_year=current_school_year_start(),
        )
        .select_related("pupil__school__network_settings")
        .first()
    )


def home_group_of(pupil: Pupil) -> Group | None:
    return current_home_groups().filter(pupil_memberships__pupil=pupil).order_by("pk").first()


def has_credential(pupil: Pupil) -> PupilCredential | None:
    try:
        return pupil.pupil_credential
    except PupilCredential.DoesNotExist:
        return None
