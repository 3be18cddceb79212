"""`parent_view`: pages for a signed-in parent account only. Anonymous visitors go to the parent
login; staff (and operator) sessions are refused, so a teacher can never reach a child's code step
(C12)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from klaspoort.accounts.home.login import is_parent
from klaspoort.accounts.models import Account
from klaspoort.audit.events import record_event

ParentView = Callable[..., HttpResponse]


def parent_view(view: ParentView) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(reverse("thuis:login"))
        if not is_parent(user):
            record_event(
                "home.refused",
                outcome="denied",
                actor=f"account:{user.uuid}" if isinstance(user, Account) else "",
                path=request.path[:200],
            )
            return render(request, "home/parents_only.html", status=403)
        assert isinstance(user, Account)
        return view(request, user, *args, **kwargs)

    return wrapper
