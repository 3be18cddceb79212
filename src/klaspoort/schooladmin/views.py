"""The coordinator's school-network page: /schoolbeheer/netwerk/ (C11)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.classroom.access import StaffAccess
from klaspoort.schooladmin import actions
from klaspoort.schooladmin.access import coordinator_view
from klaspoort.schooladmin.models import AgentToken, FixedRange, SchoolNetwork
from klaspoort.schooladmin.network import NetworkError


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _apply(request: HttpRequest, access: StaffAccess) -> tuple[str, str]:
    """Run the posted action; returns (confirmation, new plain token or '')."""
    school, actor = access.placement.school, access.placement
    action = request.POST.get("action", "")
    if action == "mode":
        actions.do_set_network_mode(school, request.POST.get("mode", ""), actor=actor)
        return _("De manier van herkennen is opgeslagen."), ""
    if action == "restrict":
        restrict = request.POST.get("restrict") == "1"
        actions.do_set_shortcut_restriction(school, restrict, actor=actor)
        return (_("De leerlingenlink werkt nu alleen op het schoolnetwerk.") if restrict
                else _("De leerlingenlink werkt nu overal.")), ""  # fmt: skip
    if action == "add_range":
        fixed = actions.do_add_fixed_range(
            school, request.POST.get("cidr", "")[:100], label=request.POST.get("label", ""), actor=actor
        )
        return _("%(address)s is toegevoegd.") % {"address": fixed.cidr}, ""
    if action == "remove_range":
        actions.do_remove_fixed_range(school, _int(request.POST.get("range")), actor=actor)
        return _("Het adres is verwijderd."), ""
    if action == "issue_token":
        _agent, token = actions.do_issue_agent_token(school, label=request.POST.get("label", ""), actor=actor)
        return _("Er is een nieuwe sleutel gemaakt. Kopieer hem nu: hij wordt niet meer getoond."), token
    if action == "revoke_token":
        actions.do_revoke_agent_token(school, _int(request.POST.get("token")), actor=actor)
        return _("De sleutel is ingetrokken."), ""
    raise NetworkError(_("Onbekende actie."))


@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_view
def network(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    school = access.placement.school
    error, token = "", ""
    if request.method == "POST":
        try:
            confirmation, token = _apply(request, access)
        except NetworkError as exc:
            error = str(exc)
        else:
            if not token:
                messages.success(request, confirmation)
                return redirect("schooladmin:network")
            messages.success(request, confirmation)
    settings_row = actions.network_of(school)
    context = {
        "school": school,
        "network": settings_row,
        "modes": SchoolNetwork.Mode.choices,
        "ranges": FixedRange.objects.filter(school=school),
        "tokens": AgentToken.objects.filter(school=school),
        "new_token": token,
        "report_url": request.build_absolute_uri(reverse("schooladmin:agent_report")),
        "your_address": client_ip(request),
        "error": error,
    }
    return render(request, "schooladmin/network.html", context, status=400 if error else 200)
