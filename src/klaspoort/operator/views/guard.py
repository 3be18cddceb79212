"""`operator_required`: every console page. Anyone but a signed-in operator (both factors in this
session) gets 403 and the page does nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from klaspoort.accounts.models import Account
from klaspoort.operator.permissions import signed_in_operator

View = Callable[..., HttpResponseBase]


def operator_required(view: View) -> View:
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        operator = signed_in_operator(request)
        if operator is None:
            return render(request, "operator/forbidden.html", status=403)
        return view(request, operator, *args, **kwargs)

    return wrapper


def actor_of(request: HttpRequest) -> Account:
    user = request.user
    assert isinstance(user, Account)
    return user
