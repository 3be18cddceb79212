"""Parent activation (/thuis/activeren/<token>/), forgotten password (/thuis/wachtwoord-vergeten/)
and reset (/thuis/wachtwoord/<token>/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.home.actions import (
    HOME_ACTIVATION,
    HOME_PASSWORD_RESET,
    HOME_RESETS,
    do_activate_home,
    do_reset_home_password,
)
from klaspoort.accounts.views.activation import forgot_page, set_password_page

HOME_PAGES: dict[str, Any] = {"login_url": "thuis:login", "invalid_template": "home/link_invalid.html"}


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate_view(request: HttpRequest, token: str) -> HttpResponse:
    return set_password_page(
        request,
        token,
        HOME_ACTIVATION,
        do_activate_home,
        title=_("Thuis inloggen: kies je wachtwoord"),
        done=_("Je wachtwoord is opgeslagen. Log nu in met je e-mailadres en wachtwoord."),
        **HOME_PAGES,
    )


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def reset_view(request: HttpRequest, token: str) -> HttpResponse:
    return set_password_page(
        request,
        token,
        HOME_PASSWORD_RESET,
        do_reset_home_password,
        title=_("Nieuw wachtwoord kiezen"),
        done=_("Je wachtwoord is gewijzigd. Log in met je nieuwe wachtwoord."),
        **HOME_PAGES,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_view(request: HttpRequest) -> HttpResponse:
    return forgot_page(request, HOME_RESETS.queue, templates="home/forgot")
