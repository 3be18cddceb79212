from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group
from klaspoort.roster.rules import placement_active_q, pupil_active_q


def home(request: HttpRequest) -> HttpResponse:
    """Overview of the registered schools, their current groups and head counts."""
    schools = list(
        SchoolLocation.objects.filter(active=True)
        .annotate(
            pupil_count=Count("pupils", filter=pupil_active_q("pupils__"), distinct=True),
            staff_count=Count(
                "staff_placements", filter=placement_active_q("staff_placements__"), distinct=True
            ),
        )
        .order_by("brin", "location_code")[:50]
    )
    groups = (
        Group.objects.in_force()
        .filter(school__in=schools)
        .annotate(pupil_count=Count("pupil_memberships", distinct=True))
        .select_related("school_year")
        .order_by("school_id", "kind", "year_group", "name")
    )
    by_school: dict[int, list[Group]] = {}
    for group in groups:
        by_school.setdefault(group.school_id, []).append(group)
    rows = [(school, by_school.get(school.pk, [])) for school in schools]
    return render(request, "core/home.html", {"rows": rows})


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
