"""Moving a roster between school locations (mergers and splits, A8): the roster's part only.

The people keep their rows, so their uuids (and with them every partner's pairwise pseudonym, see
`federation.pseudonyms`) stay the same; only the school they belong to changes. The caller (the
operator console) checks the plan, locks the schools (`importing.locking.lock_school`) and runs
everything in one transaction.

    key_collisions(schools) -> list[Collision]     LAS keys that two schools both use
    move_groups(groups, to)                          groups (with their memberships) to another school
    move_pupils(pupil_ids, to)
    place_staff(moves, now=...) -> int               placements follow their groups; see its docstring
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, SchoolYearStart, StaffMembership, StaffPlacement


@dataclass(frozen=True)
class Collision:
    kind: str  # "pupil", "staff" or "group"
    key: str


def key_collisions(schools: Sequence[SchoolLocation]) -> list[Collision]:
    """LAS keys used at more than one of `schools` by what would move to one school: active pupils,
    active placements of different staff members, groups (every year). Three queries."""
    ids = [school.pk for school in schools]
    found: list[Collision] = []
    pupils = (
        Pupil.objects.filter(school__in=ids, active=True)
        .values("las_key")
        .annotate(n=Count("school", distinct=True))
        .filter(n__gt=1)
        .values_list("las_key", flat=True)
    )
    found += [Collision("pupil", key) for key in sorted(pupils)]
    staff = (
        StaffPlacement.objects.filter(school__in=ids, active=True, las_key__isnull=False)
        .values("las_key")
        .annotate(n=Count("staff", distinct=True))
        .filter(n__gt=1)
        .values_list("las_key", flat=True)
    )
    found += [Collision("staff", key) for key in sorted(key for key in staff if key)]
    groups = (
        Group.objects.filter(school__in=ids)
        .values("school_year", "las_key")
        .annotate(n=Count("school", distinct=True))
        .filter(n__gt=1)
        .values_list("las_key", flat=True)
    )
    found += [Collision("group", key) for key in sorted(set(groups))]
    return found


def move_groups(group_ids: Iterable[int], to: SchoolLocation) -> int:
    return Group.objects.filter(pk__in=list(group_ids)).update(school=to)


def move_pupils(pupil_ids: Iterable[int], to: SchoolLocation) -> int:
    return Pupil.objects.filter(pk__in=list(pupil_ids)).update(school=to)


@dataclass(frozen=True)
class StaffMove:
    """An active placement at an old school and the new schools it goes to, each with the groups
    (ids) of that school it teaches (empty for someone without groups)."""

    placement: StaffPlacement
    to: tuple[tuple[SchoolLocation, frozenset[int]], ...]


def place_staff(moves: Sequence[StaffMove], *, now: dt.datetime) -> int:
    """Give every staff member one placement at each new school they go to.

    The first of their placements to reach a school moves there (same row, same roles); a second
    one (a merger of two of their schools, or a split over two schools) adds its roles and its
    group memberships to it and stays behind, deactivated. Returns the number of placements at the
    new schools. Queries grow with the number of staff, not with their groups.
    """
    at: dict[tuple[int, int], StaffPlacement] = {}  # (staff, new school) -> placement there
    moved: set[int] = set()
    for move in moves:
        old = move.placement
        for school, groups in move.to:
            key = (old.staff_id, school.pk)
            there = at.get(key)
            if there is None and old.pk not in moved:
                old.school = school
                old.save(update_fields=["school"])
                moved.add(old.pk)
                at[key] = old
                continue
            if there is None:
                there = StaffPlacement.objects.create(
                    staff_id=old.staff_id,
                    school=school,
                    las_key=old.las_key,
                    las_roles=list(old.las_roles),
                    roles=list(old.roles),
                    source=old.source,
                )
                at[key] = there
            else:
                there.roles = sorted(set(there.roles) | set(old.roles))
                there.las_roles = sorted(set(there.las_roles) | set(old.las_roles))
                there.save(update_fields=["roles", "las_roles"])
            StaffMembership.objects.filter(placement=old, group_id__in=groups).update(placement=there)
    left = [move.placement.pk for move in moves if move.placement.pk not in moved]
    StaffPlacement.objects.filter(pk__in=left).update(active=False, deactivated_at=now)
    return len(at)


def copy_year_starts(source: SchoolLocation, to: SchoolLocation, from_year: int) -> None:
    """The source's own start days (rule B7) of school year `from_year` onward, for a new school."""
    starts = SchoolYearStart.objects.filter(school=source, school_year__start_year__gte=from_year)
    SchoolYearStart.objects.bulk_create(
        [SchoolYearStart(school=to, school_year_id=s.school_year_id, starts_on=s.starts_on) for s in starts]
    )
