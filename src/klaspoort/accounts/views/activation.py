"""Activation (`/activate/<token>/`), forgotten password (`/password/forgot/`) and reset
(`/password/reset/<token>/`)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts import tokens
from klaspoort.accounts.actions import STAFF_RESETS, do_activate, do_reset_password
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.errors import AccountError, PasswordRejected
from klaspoort.accounts.forms import ForgotPasswordForm, NewPasswordForm
from klaspoort.accounts.models import Account
from klaspoort.accounts.passwords import help_texts


def set_password_page(
    request: HttpRequest,
    token: str,
    purpose: str,
    action: Callable[[str, str], Account],
    *,
    title: str,
    done: str,
    login_url: str = "accounts:login",
    invalid_template: str = "accounts/link_invalid.html",
) -> HttpResponse:
    """Choose a password through a mailed link, then go to `login_url` (a URL name) with the address
    filled in. Also used by the parents' home login (`accounts.home`), with its own pages."""
    account = tokens.peek_token(token, purpose)
    if account is None:
        return render(request, invalid_template, status=404)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = action(token, form.cleaned_data["password1"])
        except PasswordRejected as exc:
            for problem in exc.problems:
                form.add_error("password1", problem)
        except AccountError:
            return render(request, invalid_template, status=404)
        else:
            messages.success(request, done)
            query = urlencode({"email": account.email})
            return HttpResponseRedirect(f"{reverse(login_url)}?{query}")
    return render(
        request,
        "accounts/set_password.html",
        {"form": form, "title": title, "email": account.email, "rules": help_texts()},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest, token: str) -> HttpResponse:
    return set_password_page(
        request,
        token,
        tokens.ACTIVATION,
        do_activate,
        title=_("Account activeren"),
        done=_("Je account is geactiveerd. Log in met je nieuwe wachtwoord."),
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def reset_view(request: HttpRequest, token: str) -> HttpResponse:
    return set_password_page(
        request,
        token,
        tokens.PASSWORD_RESET,
        do_reset_password,
        title=_("Nieuw wachtwoord kiezen"),
        done=_("Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_view(request: HttpRequest) -> HttpResponse:
    return forgot_page(request, STAFF_RESETS.queue, templates="accounts/forgot")


def forgot_page(request: HttpRequest, action: Callable[..., object], *, templates: str) -> HttpResponse:
    """Ask for a new link: `<templates>.html` with the form, then `<templates>_done.html`, the same
    whatever `action` did (no account enumeration). `action` is a `ResetRequests.queue`: the request
    does the same work for every address; the mail is a background job's."""
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action(form.cleaned_data["email"], client_ip=client_ip(request))
        return render(request, f"{templates}_done.html", {"email": form.cleaned_data["email"]})
    return render(request, f"{templates}.html", {"form": form}, status=400 if form.errors else 200)
