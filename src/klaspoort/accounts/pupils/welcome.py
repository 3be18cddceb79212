"""Until the portal exists: a signed-in pupil's welcome page with name and group, and logout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from klaspoort.accounts.principal import current_principal
from klaspoort.accounts.pupils.login import REQUESTED_TARGET_KEY, sign_out
from klaspoort.accounts.pupils.queries import has_credential, home_group_of
from klaspoort.roster.models import Pupil


@never_cache
@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    principal = current_principal(request)
    if principal is None or principal.kind != "pupil":
        return render(
            request,
            "pupils/shortcut_problem.html",
            {
                "title": _("Je bent niet ingelogd"),
                "explanation": _("Log in via de schoollink van je school."),
                "start": "",
            },
            status=403,
        )
    pupil = (
        Pupil.objects.active_at()
        .filter(uuid=principal.person, school__instelling_ref=principal.school)
        .select_related("school", "pupil_credential")
        .first()
    )
    if pupil is None:
        sign_out(request)
        return redirect("home")
    context = {
        "pupil": pupil,
        "credential": has_credential(pupil),
        "group": home_group_of(pupil),
        "principal": principal,
        "requested_target": request.session.get(REQUESTED_TARGET_KEY, ""),
    }
    return render(request, "pupils/welcome.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    principal = sign_out(request)
    if principal is not None and principal.kind == "pupil" and principal.context == "school":
        return redirect(reverse("pupils:groups", args=[principal.school]))
    if principal is not None and principal.context == "home":
        return redirect(reverse("thuis:login"))  # a parent's home login: parent and child both signed out
    return redirect("home")
