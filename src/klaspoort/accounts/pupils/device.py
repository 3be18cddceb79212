"""The device a pupil logs in on: a signed random id in a long-lived cookie, plus the client address.

Used only to key throttle counters (throttle.py); it identifies a tablet or PC, not a person.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from klaspoort.accounts.client_address import client_ip

DEVICE_COOKIE = "klaspoort_device" if settings.DEVELOPMENT else "__Host-klaspoort_device"
DEVICE_SALT = "klaspoort.pupil-device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def device_id(request: HttpRequest) -> str | None:
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return value if isinstance(value, str) and value else None


def device_key(request: HttpRequest) -> str:
    """The throttle's notion of a device: cookie id (or "-" without one) and client address."""
    return f"{device_id(request) or '-'}@{client_ip(request)}"


def remember_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give the browser a device id if it has none (shortcut pages call this)."""
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            secure=not settings.DEVELOPMENT,
            httponly=True,
            samesite="Lax",
            path="/",
        )
    return response
