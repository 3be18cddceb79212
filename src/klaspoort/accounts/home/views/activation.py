"""Parent activation (/thuis/activeren/<token>/), forgotten password (/thuis/wachtwoord-vergeten/)
and reset (/thuis/wachtwoord/<token>/)."""

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
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.errors import AccountError, PasswordRejected
from klaspoort.accounts.forms import ForgotPasswordForm, NewPasswordForm
from klaspoort.accounts.home.actions import (
    HOME_ACTIVATION,
    HOME_PASSWORD_RESET,
    do_activate_home,
    do_request_home_password_reset,
    do_reset_home_password,
)
from klaspoort.accounts.models import Account
from klaspoort.accounts.passwords import help_texts


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "home/link_invalid.html", status=404)


def _set_password(
    request: HttpRequest,
    token: str,
    purpose: str,
    action: Callable[[str, str], Account],
    *,
    title: str,
    done: str,
) -> HttpResponse:
    account = tokens.peek_token(token, purpose)
    if account is None or account.kind != Account.Kind.PARENT:
        return _link_invalid(request)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = action(token, form.cleaned_data["password1"])
        except PasswordRejected as exc:
            for problem in exc.problems:
                form.add_error("password1", problem)
        except AccountError:
            return _link_invalid(request)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(f"{reverse('home:login')}?{urlencode({'email': account.email})}")
    context = {"form": form, "title": title, "email": account.email, "rules": help_texts()}
    return render(request, "accounts/set_password.html", context, status=400 if form.errors else 200)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest, token: str) -> HttpResponse:
    return _set_password(
        request,
        token,
        HOME_ACTIVATION,
        do_activate_home,
        title=_("Thuis inloggen: kies je wachtwoord"),
        done=_("Je wachtwoord is opgeslagen. Log nu in met je e-mailadres en wachtwoord."),
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def reset_view(request: HttpRequest, token: str) -> HttpResponse:
    return _set_password(
        request,
        token,
        HOME_PASSWORD_RESET,
        do_reset_home_password,
        title=_("Nieuw wachtwoord kiezen"),
        done=_("Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_view(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_request_home_password_reset(form.cleaned_data["email"], client_ip=client_ip(request))
        return render(request, "home/forgot_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "home/forgot.html", {"form": form}, status=400 if form.errors else 200)
