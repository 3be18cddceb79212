"""The school console's page of the automatic link: /schoolbeheer/koppeling/ (coordinators only).

Shows the link's state (both sides' consent), last success, next run and the last automatic runs
of the import history; the coordinator switches the link on (choosing the school's LAS) or off.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.laslink import actions
from klaspoort.laslink.models import LasLink, LasVendor
from klaspoort.roster.models import ImportRun

RUNS_SHOWN = 10


def _post(request: HttpRequest, access: StaffAccess, link: LasLink | None) -> str:
    on = request.POST.get("action") == "on"
    vendor = link.vendor if link is not None else None
    if on and (vendor is None or not (link and (link.las_enabled or link.school_enabled))):
        vendor = LasVendor.objects.filter(slug=request.POST.get("vendor", ""), active=True).first()
    if vendor is None:
        raise actions.LinkError(_("Kies het administratiesysteem van de school."))
    changed = actions.do_switch_link(access.placement, vendor, on, actor=access.actor)
    if not on:
        return _("De automatische koppeling staat uit. Lees de leerlinggegevens voortaan zelf in.")
    if changed.is_active:
        return _("De automatische koppeling staat aan. De eerste import volgt binnen enkele minuten.")
    return _("Je hebt de koppeling aangezet. Zet de koppeling ook aan in je administratiesysteem.")


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view
def link_page(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    if not is_coordinator(access.placement):
        return denied(request, _("Alleen de ICT-coördinator kan de automatische koppeling instellen."))
    school = access.placement.school
    link = LasLink.objects.filter(school=school).select_related("vendor").first()
    error = ""
    if request.method == "POST":
        try:
            messages.success(request, _post(request, access, link))
        except actions.LinkError as exc:
            error = str(exc)
        else:
            return redirect("laslink:link")
    runs = list(
        ImportRun.objects.filter(school=school, source=ImportRun.Source.AUTOMATIC).order_by("-started_at")[
            :RUNS_SHOWN
        ]
    )
    context = {
        "access": access,
        "is_coordinator": True,
        "school": school,
        "link": link,
        "vendors": LasVendor.objects.filter(active=True).order_by("name"),
        "runs": runs,
        "error": error,
    }
    return render(request, "laslink/link.html", context, status=400 if error else 200)
