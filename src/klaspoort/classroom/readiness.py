"""Ready for the new school year (E2): a teacher sees next year's groups and pupils beside this
year's, before the start day. Next year's groups exist as soon as the school staged its file
(`roster.importing.actions`); they are marked as not yet in force. Two queries per year shown.

Which software next year's groups will see is asked from the publishers by an app above classroom
(the portal's licence client) that registers itself here:

    register_software_source(source)   # source(access, start_year, group_uuids) -> [PublisherAnswer]

Each answer names the publisher and, per group (name, year group), the products it will have from
the start day; `answered` False: the publisher gave no (usable) answer in time."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.accounts.permissions import sees_whole_school
from klaspoort.classroom.access import StaffAccess, staff_view
from klaspoort.core.codes import school_year_label
from klaspoort.roster.models import Group, PupilMembership, StaffPlacement
from klaspoort.roster.schoolyears import starts_on, year_in_force


@dataclass
class YearGroup:
    name: str
    kind: str
    year_group: str
    pupils: list[str] = field(default_factory=list)
    uuid: uuid.UUID | None = None
    software: list[tuple[str, str]] = field(default_factory=list)  # (publisher, product), not yet in force


@dataclass(frozen=True)
class PublisherAnswer:
    publisher: str
    answered: bool
    products: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


SoftwareSource = Callable[[StaffAccess, int, Sequence[uuid.UUID]], Sequence[PublisherAnswer]]
_sources: list[SoftwareSource] = []


def register_software_source(source: SoftwareSource) -> None:
    if source not in _sources:
        _sources.append(source)


def _with_software(access: StaffAccess, start_year: int, groups: list[YearGroup]) -> list[str]:
    """Fill in each group's software of `start_year`; returns the publishers that gave no answer."""
    ids = [group.uuid for group in groups if group.uuid is not None]
    silent = []
    for source in _sources:
        for answer in source(access, start_year, ids):
            if not answer.answered:
                silent.append(answer.publisher)
                continue
            for group in groups:
                for product in answer.products.get((group.name, group.year_group), ()):
                    group.software.append((answer.publisher, product))
    for group in groups:
        group.software.sort(key=lambda item: (item[1].casefold(), item[0]))
    return sorted(silent)


def groups_of_year(placement: StaffPlacement, start_year: int) -> list[YearGroup]:
    """The placement's groups of school year `start_year` (every group for school-wide roles),
    with the names of their pupils (pupils new that year included)."""
    groups = Group.objects.in_year(start_year).filter(school_id=placement.school_id)
    if not sees_whole_school(placement):
        groups = groups.filter(staff_memberships__placement=placement)
    rows = list(
        groups.distinct()
        .order_by("kind", "year_group", "name")
        .values_list("id", "name", "kind", "year_group", "uuid")
    )
    names: dict[int, list[str]] = defaultdict(list)
    memberships = PupilMembership.objects.filter(group_id__in=[row[0] for row in rows]).order_by(
        "pupil__first_name", "pupil__surname"
    )
    for group_id, first, infix, surname in memberships.values_list(
        "group_id", "pupil__first_name", "pupil__infix", "pupil__surname"
    ):
        names[group_id].append(" ".join(part for part in (first, infix, surname) if part))
    return [
        YearGroup(name, kind, year_group, names[group_id], uuid=group_uuid)
        for group_id, name, kind, year_group, group_uuid in rows
    ]


@never_cache
@require_GET
@staff_view
def next_year(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    placement = access.placement
    now_year = year_in_force(placement.school)
    next_groups = groups_of_year(placement, now_year + 1)
    silent = _with_software(access, now_year + 1, next_groups) if next_groups else []
    context: dict[str, Any] = {
        "school": placement.school,
        "this_label": school_year_label(now_year),
        "next_label": school_year_label(now_year + 1),
        "next_start": starts_on(placement.school, now_year + 1),
        "this_year": groups_of_year(placement, now_year),
        "next_year": next_groups,
        "software_asked": bool(_sources and next_groups),
        "no_answer": silent,
    }
    return render(request, "classroom/next_year.html", context)
