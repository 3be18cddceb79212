"""Read-only look-ups of the pupil login paths, each a single query on the hot path."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.pictures import identity_picture
from klaspoort.core.compiled import CompiledQuery, Param
from klaspoort.registry.models import RetiredInstellingRef, SchoolLocation, SchoolSuccession
from klaspoort.roster.models import Group, Pupil, PupilMembership
from klaspoort.roster.rules import group_in_years_q, pupil_active_q
from klaspoort.roster.schoolyears import YearsInForce, in_force_years


def parse_ref(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text or "").strip())
    except ValueError:
        return None


def shortcut_groups(ref: uuid.UUID) -> list[Group]:
    """This school year's active home groups of an active school, with the school and its network."""
    return sorted(
        current_home_groups()
        .filter(school__instelling_ref=ref, school__active=True)
        .select_related("school__network_settings"),
        key=lambda group: (_year_order(group.year_group), group.name.lower()),
    )


def _year_order(year_group: str) -> tuple[int, str]:
    return (int(year_group), "") if year_group.isdigit() else (99, year_group)


def shortcut_school(ref: uuid.UUID) -> SchoolLocation | None:
    """The school behind a reference, active or not (for the friendly refusal pages)."""
    return SchoolLocation.objects.filter(instelling_ref=ref).select_related("network_settings").first()


def successors(ref: uuid.UUID) -> list[SchoolLocation]:
    """After a merger or split: the active locations that took over the school's pupils."""
    found = SchoolSuccession.objects.filter(predecessor__instelling_ref=ref, successor__active=True)
    return [row.successor for row in found.select_related("successor").order_by("successor__name")]


def is_retired(ref: uuid.UUID) -> bool:
    return RetiredInstellingRef.objects.filter(instelling_ref=ref).exists()


def current_home_groups() -> QuerySet[Group]:
    return Group.objects.in_force().filter(kind=Group.Kind.HOME)


def shortcut_group(ref: uuid.UUID, group_uuid: uuid.UUID) -> Group | None:
    return (
        current_home_groups()
        .filter(uuid=group_uuid, school__instelling_ref=ref, school__active=True)
        .select_related("school__network_settings")
        .first()
    )


@dataclass(frozen=True)
class GridSeat:
    """What the pupil grid shows of one pupil: first name and picture, and the slug of its link."""

    first_name: str
    slug: str | None
    picture: str | None
    kind: str | None


def grid_seats(group: Group) -> list[GridSeat]:
    """Active pupils of a group as plain rows (no model instances: this is the hot path)."""
    rows = (
        PupilMembership.objects.of_active_pupils()
        .filter(group=group)
        .order_by("pupil__first_name", "pupil__surname", "pk")
        .values_list(
            "pupil__first_name",
            "pupil__pupil_credential__slug",
            "pupil__pupil_credential__picture",
            "pupil__pupil_credential__kind",
        )
    )
    return [GridSeat(*row) for row in rows]


def seats_in_order(seats: list[GridSeat]) -> bool:
    """Every pupil has a credential and a known picture that no classmate has."""
    pictures = [seat.picture for seat in seats]
    return all(seat.slug and seat.picture and identity_picture(seat.picture) for seat in seats) and len(
        set(pictures)
    ) == len(pictures)


def members_of(group: Group) -> list[PupilMembership]:
    """Active pupils of a group with their credentials (teacher side): one query."""
    return list(
        PupilMembership.objects.of_active_pupils()
        .filter(group=group)
        .select_related("pupil__pupil_credential")
        .order_by("pupil__first_name", "pupil__surname", "pk")
    )


def seat_queryset(years: YearsInForce, slug: Any, ref: Any, group: Any = None) -> QuerySet[PupilCredential]:
    """A pupil's credential by slug: an active pupil of the (active) school `ref` in a home group in
    force (`years`: `in_force_years()` of the day), and in `group` (a group uuid) when given; with
    the school's network settings. `slug`, `ref`, `group` may be `Param`s (`_SEATS`)."""
    membership = {} if group is None else {"pupil__memberships__group__uuid": group}
    return (
        PupilCredential.objects.filter(
            pupil_active_q("pupil__"),
            group_in_years_q("pupil__memberships__group__", years),
            slug=slug,
            pupil__school__instelling_ref=ref,
            pupil__memberships__group__kind=Group.Kind.HOME,
            **membership,
        )
        .select_related("pupil__school__network_settings")
        .order_by("pk")[:1]
    )


# Every pupil login runs this: compiled once per database vendor and years in force (core.compiled).
_SEATS = CompiledQuery(
    PupilCredential,
    lambda usual, other, schools, in_group: seat_queryset(
        YearsInForce(usual, other, frozenset(schools)),
        Param.of(PupilCredential, "slug"),
        Param.of(SchoolLocation, "instelling_ref", "ref"),
        Param.of(Group, "uuid", "group") if in_group else None,
    ),
)


def _seat(ref: uuid.UUID, slug: str, group: uuid.UUID | None = None) -> PupilCredential | None:
    """`seat_queryset(...).first()` for today, through the compiled statement. One query."""
    years = in_force_years()
    key = (years.usual, years.other, tuple(sorted(years.schools)), group is not None)
    values: dict[str, Any] = {"slug": slug, "ref": ref} | ({} if group is None else {"group": group})
    found = _SEATS.fetch(key, **values)
    return found[0] if found else None


def login_seat(ref: uuid.UUID, group_uuid: uuid.UUID, slug: str) -> PupilCredential | None:
    """The credential of a pupil picked in a current home group of an active school: one query."""
    return _seat(ref, slug, group_uuid)


def home_group_of(pupil: Pupil) -> Group | None:
    return current_home_groups().filter(pupil_memberships__pupil=pupil).order_by("pk").first()


def has_credential(pupil: Pupil) -> PupilCredential | None:
    try:
        return pupil.pupil_credential
    except PupilCredential.DoesNotExist:
        return None


def card_seat(ref: uuid.UUID, slug: str) -> PupilCredential | None:
    """The credential behind a login card (its secret is checked after): one query."""
    return _seat(ref, slug)
