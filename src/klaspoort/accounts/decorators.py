"""`staff_required`: staff pages need a signed-in staff account (parents, operators and pupils
signed in through the school's pupil link are refused with 403) and, unless `need_school=False`,
a chosen school (a staff principal)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import current_principal

View = Callable[..., HttpResponse]


def staff_required(view: View | None = None, *, need_school: bool = True) -> Any:
    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                signed_in = current_principal(request)
                if signed_in is not None and signed_in.kind == "pupil":  # a pupil has no account
                    return render(request, "accounts/staff_only.html", status=403)
                return redirect_to_login(request.get_full_path())
            if not isinstance(user, Account) or user.kind != Account.Kind.STAFF:
                return render(request, "accounts/staff_only.html", status=403)
            if need_school:
                principal = current_principal(request)
                if principal is None or principal.kind != "staff":
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('accounts:choose_school')}?{query}")
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
