"""`StaffSessionGuard`: idle and absolute timeouts of staff sessions, and the client-address check (C10).

Staff sessions carry the client address of their login (`login.SESSION_IP`). When a request comes
from another address the session is flagged and every page leads to "possible session takeover"
(`accounts:confirm_session`), where the person re-enters their password (an honest Wi-Fi/4G change
costs one password) or ends all their sessions. The flag lives in the session, so the person at the
original address sees the warning as well.

Timeouts (settings): STAFF_IDLE_TIMEOUT seconds without a request (default 60 minutes),
STAFF_SESSION_MAX_AGE seconds after login (default 10 hours, a school day).

`HomeAndPupilSessionGuard`: the same check fitted to parent and pupil sessions (rules in
`session_address`): a parent whose session moved to another network *and* another browser
re-enters the password at /thuis/bevestigen/; a pupil's school session seen from another network
ends, and the device goes back to the picture step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.login import (
    SESSION_IP,
    SESSION_LOGIN_AT,
    SESSION_SEEN,
    SESSION_TAKEOVER,
    end_staff_session,
)
from klaspoort.accounts.principal import current_principal, end_principal
from klaspoort.accounts.session_address import (
    HOME_IP,
    HOME_TAKEOVER,
    PUPIL_BACK,
    PUPIL_IP,
    parent_client_changed,
    pupil_client_changed,
)
from klaspoort.audit.events import record_event

SEEN_RESOLUTION = 60  # write the last-seen time at most once a minute
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/logout/", "/login/confirm/", "/healthz")


def _redirect(path: str, next_path: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{path}?{urlencode({'next': next_path})}")


class StaffSessionGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        login_ip = session.get(SESSION_IP)
        if login_ip is None:
            return self.get_response(request)
        now = int(time.time())
        seen = int(session.get(SESSION_SEEN, 0))
        login_at = int(session.get(SESSION_LOGIN_AT, 0))
        if now - seen > settings.STAFF_IDLE_TIMEOUT or now - login_at > settings.STAFF_SESSION_MAX_AGE:
            end_staff_session(request, reason="expired")
            messages.info(request, _("Je bent automatisch uitgelogd omdat je een tijd niet actief was."))
            return _redirect(reverse("accounts:login"), request.get_full_path())
        if not request.path.startswith(EXEMPT_PREFIXES):
            current = client_ip(request)
            if session.get(SESSION_TAKEOVER) or current != login_ip:
                if not session.get(SESSION_TAKEOVER):
                    session[SESSION_TAKEOVER] = {"from": login_ip, "to": current, "at": now}
                    record_event(
                        "session.address_changed",
                        outcome="warned",
                        subject=f"account:{getattr(request.user, 'uuid', '')}",
                        client_ip=current,
                        previous_ip=login_ip,
                    )
                return _redirect(reverse("accounts:confirm_session"), request.get_full_path())
        if now - seen >= SEEN_RESOLUTION:
            session[SESSION_SEEN] = now
        return self.get_response(request)


HOME_EXEMPT_PREFIXES = (
    "/static/", "/i18n/", "/healthz", "/thuis/uitloggen/", "/thuis/bevestigen/", "/leerling/uitloggen",
)  # fmt: skip


class HomeAndPupilSessionGuard:
    """The client-address check of parent and pupil sessions (`session_address`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if request.path.startswith(HOME_EXEMPT_PREFIXES):
            return self.get_response(request)
        if session.get(HOME_IP) is not None:
            if session.get(HOME_TAKEOVER) or parent_client_changed(request):
                if not session.get(HOME_TAKEOVER):
                    session[HOME_TAKEOVER] = {"at": int(time.time())}
                    self._audit(
                        request, f"account:{getattr(request.user, 'uuid', '')}", session[HOME_IP], "parent"
                    )
                return _redirect(reverse("thuis:confirm_session"), request.get_full_path())
        elif session.get(PUPIL_IP) is not None and pupil_client_changed(request):
            principal = current_principal(request)
            back = str(session.get(PUPIL_BACK) or "/")
            self._audit(request, f"pupil:{principal.person if principal else ''}", session[PUPIL_IP], "pupil")
            end_principal(request)
            session.flush()
            messages.info(request, _("Je bent op een ander netwerk. Kies je plaatje en log opnieuw in."))
            return HttpResponseRedirect(back)
        return self.get_response(request)

    @staticmethod
    def _audit(request: HttpRequest, subject: str, previous: str, login: str) -> None:
        record_event(
            "session.address_changed", outcome="warned", subject=subject, client_ip=client_ip(request),
            previous_ip=previous, login=login,
        )  # fmt: skip
