"""Who may use the operator pages (the console, help-centre editing): an active operator account
that signed in with both factors in this session. Here, below every app that has operator pages.

    is_operator(user) -> bool
    require_operator(actor) -> Account          for actions: PermissionDenied for anyone else
    signed_in_operator(request) -> Account | None
    operator_required(view)                      pages: 403 for anyone else, the view gets the operator
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from klaspoort.accounts.login import account_subject
from klaspoort.accounts.models import Account
from klaspoort.twofactor.actions import is_enrolled

SESSION_SIGNED_IN = "kp_operator"  # set only after the second factor was given
View = Callable[..., HttpResponseBase]


def is_operator(user: object) -> bool:
    return (
        isinstance(user, Account)
        and user.kind == Account.Kind.OPERATOR
        and user.is_active
        and is_enrolled(user)
    )


def signed_in_operator(request: HttpRequest) -> Account | None:
    user = request.user
    if not is_operator(user) or request.session.get(SESSION_SIGNED_IN) != str(getattr(user, "uuid", "")):
        return None
    assert isinstance(user, Account)
    return user


def require_operator(actor: object) -> Account:
    if not is_operator(actor):
        raise PermissionDenied("operator only")
    assert isinstance(actor, Account)
    return actor


def operator_subject(actor: Account) -> str:
    return account_subject(actor)


def operator_required(view: View) -> View:
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        operator = signed_in_operator(request)
        if operator is None:
            return render(request, "operator/forbidden.html", status=403)
        return view(request, operator, *args, **kwargs)

    return wrapper
