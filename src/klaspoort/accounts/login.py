"""The staff login service. Views call these; the brute-force defence wraps `authenticate_staff`.

    authenticate_staff(request, email, password) -> LoginResult       verify only, records the audit event
    begin_staff_session(request, result, next_url) -> str             rotate session, principal; where to go
    choose_school(request, school_ref) -> bool                        multi-school staff pick one
    end_staff_session(request) -> None                                logout (ends the principal first)
    safe_next(request, candidate) -> str | None                       no open redirects
    landing_url() -> str                                              the portal

Session keys written here are read by `middleware.StaffSessionGuard`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

from klaspoort.accounts import header
from klaspoort.accounts.backends import login_account, password_matches
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.language import remember_language
from klaspoort.accounts.login_candidate import active_placements_by_email, by_school_name
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.accounts.principal import (
    Principal,
    current_principal,
    end_principal,
    establish_principal,
    start_fresh_session,
)
from klaspoort.audit.events import record_event
from klaspoort.roster.models import StaffMember, StaffPlacement
from klaspoort.roster.rules import StaffPlacementQuerySet

BACKEND = "klaspoort.accounts.backends.AccountBackend"
SESSION_IP = "kp_ip"
SESSION_SEEN = "kp_seen"
SESSION_LOGIN_AT = "kp_login_at"
SESSION_TAKEOVER = "kp_takeover"
SESSION_NEXT = "kp_next"


@dataclass(frozen=True)
class LoginResult:
    """outcome: "ok"; "invalid" (unknown address, wrong password, not activated); "no_school"
    (right password, but no active placement at an active school: access was removed, B5)."""

    outcome: Literal["ok", "invalid", "no_school"]
    account: Account | None = None
    placements: tuple[StaffPlacement, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def staff(self) -> StaffMember | None:
        return self.placements[0].staff if self.placements else None


def account_subject(account: Account) -> str:
    return f"account:{account.uuid}"


def email_subject(email: str) -> str:
    """Audit subject for an address that may not exist: a keyed hash, not the typed text."""
    digest = salted_hmac("klaspoort.audit.email", normalise_email(email), algorithm="sha256").hexdigest()
    return f"email:{digest[:24]}"


def _active(placements: StaffPlacementQuerySet) -> tuple[StaffPlacement, ...]:
    """Active placements at active schools, by school name. Sorted here, not in SQL: a person has a
    few at most, and ORDER BY over the join made the query noticeably dearer to build."""
    found = placements.active_at().select_related("staff", "school")
    return tuple(sorted(found, key=by_school_name))


def active_placements(account: Account) -> tuple[StaffPlacement, ...]:
    return _active(StaffPlacement.objects.filter(staff__account=account))


def _login_candidate(email: str) -> tuple[Account | None, tuple[StaffPlacement, ...]]:
    """The staff account with this address and its active placements. One query, with the account
    and its two-factor device joined in, when it has a school (the usual case); a second query for
    the account alone when it has none."""
    address = normalise_email(email)
    placements = active_placements_by_email(address)
    if placements:
        return placements[0].staff.account, placements
    return login_account(address, Account.Kind.STAFF), ()


def authenticate_staff(request: HttpRequest, email: str, password: str) -> LoginResult:
    """Check email + password of a staff account: one query when the account has a school (plus a
    rehash when the hash parameters changed), two when it has none or does not exist."""
    ip = client_ip(request)
    account, placements = _login_candidate(email)
    # The hash runs first, also for no account (equal timing); `account is None` only narrows the type.
    if not password_matches(account, password) or account is None:
        record_event("login.failed", outcome="denied", subject=email_subject(email), client_ip=ip)
        return LoginResult("invalid")
    if not placements:
        record_event(
            "login.failed",
            outcome="denied",
            subject=account_subject(account),
            client_ip=ip,
            reason="no_school",
        )
        return LoginResult("no_school", account=account)
    return LoginResult("ok", account=account, placements=placements)


def _principal_for(placement: StaffPlacement, account: Account, auth_time: int) -> Principal:
    return Principal(
        kind="staff",
        person=placement.staff.uuid,
        school=placement.school.instelling_ref,
        account=account.uuid,
        auth_time=auth_time,
    )


def _work_at(request: HttpRequest, placement: StaffPlacement, account: Account, auth_time: int) -> None:
    """The staff member acts at this school from now on; the header shows its name (no query)."""
    principal = _principal_for(placement, account, auth_time)
    establish_principal(request, principal)
    header.remember_staff(request, principal, placement)


def start_guarded_session(request: HttpRequest, account: Account) -> tuple[int, str]:
    """Log the account in (new session key) under the staff session guard's timeouts and address
    check (`middleware.StaffSessionGuard`), on a fresh session: whoever acted in this browser before
    is signed out. Returns the time and the client address."""
    start_fresh_session(request)
    login(request, account, backend=BACKEND)
    remember_language(account)
    request.session.set_expiry(settings.STAFF_SESSION_MAX_AGE)
    now = int(time.time())
    ip = client_ip(request)
    request.session[SESSION_IP] = ip
    request.session[SESSION_SEEN] = now
    request.session[SESSION_LOGIN_AT] = now
    return now, ip


def begin_staff_session(request: HttpRequest, result: LoginResult, next_url: str | None) -> str:
    """Log the account in (new session key), remember the client address; returns the next URL."""
    assert result.ok
    assert result.account is not None
    account = result.account
    now, ip = start_guarded_session(request, account)
    single = result.placements[0] if len(result.placements) == 1 else None
    record_event(
        "login.succeeded",
        actor=account_subject(account),
        subject=account_subject(account),
        school_ref=single.school.instelling_ref if single else None,
        client_ip=ip,
    )
    if single is not None:
        _work_at(request, single, account, now)
        return next_url or landing_url()
    if next_url:
        request.session[SESSION_NEXT] = next_url
    return reverse("accounts:choose_school")


def choose_school(request: HttpRequest, school_ref: str) -> str | None:
    """Work at one of the signed-in staff member's schools. Returns where to go, None if not allowed."""
    account = request.user
    if not isinstance(account, Account):
        return None
    try:
        ref = uuid.UUID(school_ref)
    except ValueError:
        return None
    placement = next((p for p in active_placements(account) if p.school.instelling_ref == ref), None)
    if placement is None:
        return None
    previous = current_principal(request)
    if previous is not None and previous.school != ref:
        end_principal(request)
    login_at = int(request.session.get(SESSION_LOGIN_AT) or time.time())
    _work_at(request, placement, account, login_at)
    return request.session.pop(SESSION_NEXT, None) or landing_url()


def end_staff_session(request: HttpRequest, *, reason: str = "logout") -> None:
    account = request.user if isinstance(request.user, Account) else None
    end_principal(request)
    if account is not None:
        record_event(f"session.{reason}", actor=account_subject(account), client_ip=client_ip(request))
    logout(request)


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if not candidate:
        return None
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def landing_url() -> str:
    """Where a signed-in person starts: the portal with their tiles."""
    return reverse("portal:tiles")
