"""Possible session takeover (`/login/confirm/`, C10): password again, or "this was not me"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.actions import do_end_all_sessions
from klaspoort.accounts.challenge import FIELD as CHALLENGE_FIELD
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.decorators import staff_required
from klaspoort.accounts.forms import ConfirmSessionForm
from klaspoort.accounts.login import (
    SESSION_TAKEOVER,
    account_subject,
    end_staff_session,
    landing_url,
    safe_next,
)
from klaspoort.accounts.models import Account
from klaspoort.accounts.reauth import reauthenticate_staff
from klaspoort.accounts.throttle import PasswordCheck
from klaspoort.audit.events import record_event


@sensitive_post_parameters("password")
@never_cache
@staff_required(need_school=False)
@require_http_methods(["GET", "POST"])
def confirm_session_view(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not request.session.get(SESSION_TAKEOVER):
        return HttpResponseRedirect(next_url or landing_url())
    if request.method == "POST" and request.POST.get("action") == "not_me":
        return not_me(request, account, login_url=reverse("accounts:login"))
    form, challenge, ok = password_step(
        request, lambda password, solution: reauthenticate_staff(request, password, solution=solution)
    )
    if ok:
        return HttpResponseRedirect(next_url or landing_url())
    return render(
        request,
        "accounts/confirm_session.html",
        {"form": form, "next": next_url or "", "account": account, "challenge": challenge},
        status=400 if form.errors else 200,
    )


def not_me(request: HttpRequest, account: Account, *, login_url: str, login: str = "") -> HttpResponse:
    """ "Dit was ik niet": every session of the account ends, this one too; audited (`login`: which
    login's page, for every login but staff)."""
    data: dict[str, Any] = {"login": login} if login else {}
    record_event(
        "session.takeover_reported",
        actor=account_subject(account),
        subject=account_subject(account),
        client_ip=client_ip(request),
        **data,
    )
    do_end_all_sessions(account, reason="takeover_reported", except_key=request.session.session_key)
    end_staff_session(request)
    messages.warning(
        request,
        _("Alle sessies van je account zijn beëindigd. Log opnieuw in en kies een nieuw wachtwoord."),
    )
    return HttpResponseRedirect(login_url)


def password_step(
    request: HttpRequest, reauthenticate: Callable[[str, str | None], PasswordCheck]
) -> tuple[ConfirmSessionForm, dict[str, Any] | None, bool]:
    """The password form of a takeover page: (form, fresh challenge or None, password accepted)."""
    form = ConfirmSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = reauthenticate(form.cleaned_data["password"], request.POST.get(CHALLENGE_FIELD))
        if check.ok:
            return form, None, True
        form.add_error("password", check.message or _("Dit wachtwoord klopt niet."))
        return form, check.challenge, False
    return form, None, False
