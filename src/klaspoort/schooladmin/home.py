"""/schoolbeheer/: the coordinators' pages, as listed in `navigation.SCHOOLBEHEER`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.classroom.access import StaffAccess
from klaspoort.schooladmin.access import coordinator_view


@never_cache
@require_GET
@coordinator_view
def home(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    return render(request, "schooladmin/home.html", {"school": access.placement.school})
