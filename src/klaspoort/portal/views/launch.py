"""/launch/<app>/<product>/ and the deep-link form /launch/?TARGET=<url>: start a licensed product."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.accounts.principal import current_principal
from klaspoort.portal.actions import do_launch, do_launch_target
from klaspoort.portal.launch import MISSING_TARGET, Go, Refusal


@never_cache
@require_GET
def launch_view(request: HttpRequest, app: str, product: str) -> HttpResponse:
    principal = current_principal(request)
    if principal is None:
        return redirect_to_login(request.get_full_path())
    return respond(request, do_launch(principal, app, product))


@never_cache
@require_GET
def target_launch_view(request: HttpRequest) -> HttpResponse:
    principal = current_principal(request)
    if principal is None:
        return redirect_to_login(request.get_full_path())
    target = request.GET.get("TARGET") or request.GET.get("target") or ""
    if not target:
        return respond(request, MISSING_TARGET)
    return respond(request, do_launch_target(principal, target))


def respond(request: HttpRequest, outcome: Go | Refusal) -> HttpResponse:
    if isinstance(outcome, Refusal):
        return render(request, "portal/refused.html", {"refusal": outcome}, status=outcome.status)
    response = HttpResponseRedirect(outcome.url)
    response["Referrer-Policy"] = "no-referrer"
    return response
