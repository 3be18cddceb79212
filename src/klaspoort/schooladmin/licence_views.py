"""/schoolbeheer/licenties/: the school's licence overview (D6), asked live from the publishers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.classroom.access import StaffAccess
from klaspoort.portal.school_licences import school_overview
from klaspoort.schooladmin.access import coordinator_view


@never_cache
@require_GET
@coordinator_view
def licences(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    overview = school_overview(access.principal)
    context = {"school": access.placement.school, "overview": overview}
    return render(request, "schooladmin/licences.html", context)
