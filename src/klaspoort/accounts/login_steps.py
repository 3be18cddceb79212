"""What follows the right password at the staff login: an extension point for the apps above.

The two-factor app registers its second step from its AppConfig.ready() (`twofactor.login
.continue_login`: a code or enrolment first, or straight into the session). The login view calls
`after_password`; until a step is registered it refuses, so a missing registration can never skip
the second factor.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from klaspoort.accounts.login import LoginResult

# (request, the successful password step, the `next` URL or None) -> the URL to go to
AfterPassword = Callable[[HttpRequest, LoginResult, str | None], str]

_after_password: list[AfterPassword] = []


def register_after_password(step: AfterPassword) -> None:
    _after_password[:] = [step]


def after_password(request: HttpRequest, result: LoginResult, next_url: str | None) -> str:
    if not _after_password:
        raise ImproperlyConfigured(
            "No step after the password is registered (is klaspoort.twofactor installed?)"
        )
    return _after_password[0](request, result, next_url)
