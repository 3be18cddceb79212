"""Where a pupil goes after logging in via the deep link (`TARGET=`).

A target is followed only when it is same-site, or when a registered handler (the federation
apps, for registered partner URLs) takes it. Anything else is never redirected to: it is kept in
the session and shown as plain text on the welcome page, so the link cannot be abused as an open
redirect.

    register_target_handler(handler)
        handler(request, target) -> HttpResponse | None
        Return a response (e.g. an IdP-initiated SAML POST to a partner's registered ACS URL) to
        take over; None to pass. Called after the pupil is signed in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from klaspoort.accounts.pupils.login import REQUESTED_TARGET_KEY

TargetHandler = Callable[[HttpRequest, str], HttpResponse | None]
MAX_TARGET_LENGTH = 2000

_handlers: list[TargetHandler] = []


def register_target_handler(handler: TargetHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def unregister_target_handler(handler: TargetHandler) -> None:
    if handler in _handlers:
        _handlers.remove(handler)


def clean_target(raw: str | None) -> str:
    """A target worth carrying through the login steps ('' when absent or absurd)."""
    value = (raw or "").strip()
    if not value or len(value) > MAX_TARGET_LENGTH or any(ord(char) < 32 for char in value):
        return ""
    return value


def is_same_site(request: HttpRequest, target: str) -> bool:
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=not settings.DEVELOPMENT
    )


def continue_to(request: HttpRequest, target: str, default: str) -> HttpResponse:
    """After login: the handler's response, a same-site redirect, or `default` (target kept as text)."""
    if target:
        for handler in list(_handlers):
            response = handler(request, target)
            if response is not None:
                return response
        if is_same_site(request, target):
            return HttpResponseRedirect(target)
        request.session[REQUESTED_TARGET_KEY] = target
    return HttpResponseRedirect(default)
