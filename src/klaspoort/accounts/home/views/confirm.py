"""A parent's session seen from another network and browser (`/thuis/bevestigen/`, finding 11 of
issue 12): the password again (the parent login's throttle and challenge), or "this was not me"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.home.views.guard import parent_view
from klaspoort.accounts.login import safe_next
from klaspoort.accounts.models import Account
from klaspoort.accounts.reauth import reauthenticate_parent
from klaspoort.accounts.session_address import HOME_TAKEOVER
from klaspoort.accounts.throttle import PasswordCheck
from klaspoort.accounts.views.takeover import not_me, password_step


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@parent_view
def confirm_session_view(request: HttpRequest, parent: Account) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    done = next_url or reverse("thuis:children")
    if not request.session.get(HOME_TAKEOVER):
        return HttpResponseRedirect(done)
    if request.method == "POST" and request.POST.get("action") == "not_me":
        return not_me(request, parent, login_url=reverse("thuis:login"), login="parent")

    def reauthenticate(password: str, solution: str | None) -> PasswordCheck:
        return reauthenticate_parent(request, parent, password, solution=solution)

    form, challenge, ok = password_step(request, reauthenticate)
    if ok:
        return HttpResponseRedirect(done)
    return render(
        request,
        "home/confirm_session.html",
        {"form": form, "next": next_url or "", "account": parent, "challenge": challenge},
        status=400 if form.errors else 200,
    )
