"""Ready for the new school year (E2): a teacher sees next year's groups and pupils beside this
year's, before the start day. Next year's groups exist as soon as the school staged its file
(`roster.importing.actions`); they are marked as not yet in force. Two queries per year shown."""

from __future__ import annotations

from collections import defaultdict
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


def groups_of_year(placement: StaffPlacement, start_year: int) -> list[YearGroup]:
    """The placement's groups of school year `start_year` (every group for school-wide roles),
    with the names of their pupils (pupils new that year included)."""
    groups = Group.objects.in_year(start_year).filter(school_id=placement.school_id)
    if not sees_whole_school(placement):
        groups = groups.filter(staff_memberships__placement=placement)
    rows = list(
        groups.distinct()
        .order_by("kind", "year_group", "name")
        .values_list("id", "name", "kind", "year_group")
    )
    names: dict[int, list[str]] = defaultdict(list)
    memberships = PupilMembership.objects.filter(group_id__in=[row[0] for row in rows]).order_by(
        "pupil__first_name", "pupil__surname"
    )
    for group_id, first, infix, surname in memberships.values_list(
        "group_id", "pupil__first_name", "pupil__infix", "pupil__surname"
    ):
        names[group_id].append(" ".join(part for part in (first, infix, surname) if part))
    return [YearGroup(name, kind, year_group, names[group_id]) for group_id, name, kind, year_group in rows]


@never_cache
@require_GET
@staff_view
def next_year(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    placement = access.placement
    now_year = year_in_force(placement.school)
    context: dict[str, Any] = {
        "school": placement.school,
        "this_label": school_year_label(now_year),
        "next_label": school_year_label(now_year + 1),
        "next_start": starts_on(placement.school, now_year + 1),
        "this_year": groups_of_year(placement, now_year),
        "next_year": groups_of_year(placement, now_year + 1),
    }
    return render(request, "classroom/next_year.html", context)
