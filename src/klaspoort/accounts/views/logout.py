"""Logout (`/logout/`): POST ends the session; GET shows a button (a link may not log anyone out)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.login import end_staff_session
from klaspoort.accounts.models import Account


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # A parent's session (home login) goes back to the home login page.
        home = isinstance(request.user, Account) and request.user.kind == Account.Kind.PARENT
        end_staff_session(request)
        messages.success(request, _("Je bent uitgelogd."))
        return HttpResponseRedirect(reverse("thuis:login" if home else "accounts:login"))
    return render(request, "accounts/logout.html")
