"""Profile (`/profile/`): who am I, password change, "sign out everywhere"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from klaspoort.accounts.actions import do_change_password, do_end_all_sessions
from klaspoort.accounts.challenge import FIELD as CHALLENGE_FIELD
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.decorators import staff_required
from klaspoort.accounts.errors import AccountError, PasswordCheckFailed, PasswordRejected
from klaspoort.accounts.forms import ChangePasswordForm
from klaspoort.accounts.login import active_placements, end_staff_session
from klaspoort.accounts.models import Account
from klaspoort.accounts.passwords import help_texts
from klaspoort.accounts.sessions import sessions_of
from klaspoort.roster.models import StaffRole


def role_labels(roles: list[str]) -> list[str]:
    return [str(StaffRole(role).label) for role in roles if role in StaffRole.values]


def _account(request: HttpRequest) -> Account:
    assert isinstance(request.user, Account)
    return request.user


@sensitive_post_parameters("current", "password1", "password2")
@never_cache
@staff_required(need_school=False)
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    form = ChangePasswordForm(request.POST or None)
    challenge = None
    if request.method == "POST" and form.is_valid():
        try:
            do_change_password(
                account,
                current_password=form.cleaned_data["current"],
                new_password=form.cleaned_data["password1"],
                keep_session_key=request.session.session_key,
                client_ip=client_ip(request),
                solution=request.POST.get(CHALLENGE_FIELD),
            )
        except PasswordRejected as exc:
            for problem in exc.problems:
                form.add_error("password1", problem)
        except PasswordCheckFailed as exc:
            form.add_error("current", str(exc))
            challenge = exc.challenge
        except AccountError as exc:
            form.add_error("current", str(exc))
        else:
            update_session_auth_hash(request, account)
            messages.success(request, _("Je wachtwoord is gewijzigd. Je andere sessies zijn beëindigd."))
            return HttpResponseRedirect(reverse("accounts:profile"))
    placements = active_placements(account)
    return render(
        request,
        "accounts/profile.html",
        {
            "account": account,
            "staff": placements[0].staff if placements else None,
            "placements": [(p, role_labels(p.roles)) for p in placements],
            "form": form,
            "rules": help_texts(),
            "session_count": sessions_of(account).count(),
            "challenge": challenge,
        },
        status=400 if form.errors else 200,
    )


@staff_required(need_school=False)
@require_POST
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    do_end_all_sessions(account, except_key=request.session.session_key)
    end_staff_session(request)
    messages.success(request, _("Je bent op alle apparaten uitgelogd."))
    return HttpResponseRedirect(reverse("accounts:login"))
