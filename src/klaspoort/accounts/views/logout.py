"""Logout (`/logout/`): POST ends the session; GET shows a button (a link may not log anyone out)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.login import end_staff_session


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        end_staff_session(request)
        messages.success(request, _("Je bent uitgelogd."))
        return HttpResponseRedirect(reverse("accounts:login"))
    return render(request, "accounts/logout.html")
