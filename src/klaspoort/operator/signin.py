"""Operator sign-in at /beheer/login/: password (behind the login throttle, counters of their own),
then always a second factor. An operator without a device sets one up before the session begins.

    check_password(request, email, password, solution) -> PasswordStep
    begin_second_step(request, account) -> str           where to go: code or enrolment
    pending_operator(request) -> Account | None          the half-finished sign-in of this session
    count_wrong_code(request) -> int                     tries left (0: start again)
    finish(request, account) -> None                     the operator session begins
    sign_out(request) -> None
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest
from django.urls import reverse

from klaspoort.accounts import throttle
from klaspoort.accounts.backends import login_account, password_matches
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.login import account_subject, email_subject, start_guarded_session
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import end_principal, start_fresh_session
from klaspoort.audit.events import record_event
from klaspoort.operator.permissions import SESSION_SIGNED_IN
from klaspoort.twofactor.actions import is_enrolled

SESSION_PENDING = "kp_operator_pending"
PENDING_SECONDS = 600
MAX_WRONG_CODES = 5


@dataclass(frozen=True)
class PasswordStep:
    account: Account | None
    message: str = ""
    challenge: dict[str, Any] | None = None


def check_password(request: HttpRequest, email: str, password: str, solution: str | None) -> PasswordStep:
    ip = client_ip(request)
    gate = throttle.admit_login(email, ip, solution=solution, kind="operator")
    if not gate.allowed:
        return PasswordStep(
            None, gate.message, throttle.next_challenge(gate) if gate.challenge_required else None
        )
    account = login_account(email, Account.Kind.OPERATOR)
    ok = password_matches(account, password) and account is not None
    needs_challenge = throttle.record_login(gate, password_ok=ok)
    fresh = throttle.next_challenge(gate) if needs_challenge else None
    if not ok or account is None:
        record_event("operator.login_failed", outcome="denied", subject=email_subject(email), client_ip=ip)
        return PasswordStep(None, challenge=fresh)
    return PasswordStep(account, challenge=fresh)


def begin_second_step(request: HttpRequest, account: Account) -> str:
    start_fresh_session(request)  # nobody else's principal waits in the session during this step
    request.session[SESSION_PENDING] = {"account": account.pk, "since": int(time.time()), "wrong": 0}
    step = "code" if is_enrolled(account) else "enrol"
    record_event("login.second_step", outcome="asked", subject=account_subject(account), step=step)
    return reverse("operator:code" if step == "code" else "operator:enrol")


def pending_operator(request: HttpRequest) -> Account | None:
    data = request.session.get(SESSION_PENDING)
    if not isinstance(data, dict) or time.time() - int(data.get("since", 0)) > PENDING_SECONDS:
        request.session.pop(SESSION_PENDING, None)
        return None
    account_id = data.get("account")
    if not isinstance(account_id, int):
        return None
    return (
        Account.objects.filter(pk=account_id, kind=Account.Kind.OPERATOR, is_active=True)
        .select_related("totp_device")
        .first()
    )


def count_wrong_code(request: HttpRequest) -> int:
    data = request.session.get(SESSION_PENDING) or {}
    wrong = int(data.get("wrong", 0)) + 1
    if wrong >= MAX_WRONG_CODES:
        request.session.pop(SESSION_PENDING, None)
        return 0
    request.session[SESSION_PENDING] = {**data, "wrong": wrong}
    return MAX_WRONG_CODES - wrong


def finish(request: HttpRequest, account: Account) -> None:
    """Both factors given: a new session key, the operator signed in, the session guard's clock set."""
    request.session.pop(SESSION_PENDING, None)
    end_principal(request)
    _now, ip = start_guarded_session(request, account)
    request.session[SESSION_SIGNED_IN] = str(account.uuid)
    record_event(
        "operator.login", actor=account_subject(account), subject=account_subject(account), client_ip=ip
    )


def sign_out(request: HttpRequest) -> None:
    user = request.user
    if isinstance(user, Account):
        record_event("operator.logout", actor=account_subject(user), client_ip=client_ip(request))
    logout(request)
