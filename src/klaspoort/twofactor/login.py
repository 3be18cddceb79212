"""The second step of the staff login: after the right password, a code (or, where the school
requires it of a coordinator without a device, enrolment) before the session begins.

    continue_login(request, result, next_url) -> str   where to go after the password was right
    pending(request) -> Pending | None                   the half-finished login in this session
    finish_login(request, pending) -> str | None         begin the staff session; None if no school any more
    drop_pending(request)
    submit_code(request, pending, code) -> CodeAnswer   the second step, behind the code throttle

Only the account's id and the time live in the (not yet signed-in) session; the pending login ends
after ten minutes or after five wrong codes (then the password is asked again, which is throttled).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse

from klaspoort.accounts import throttle
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.login import LoginResult, account_subject, active_placements, begin_staff_session
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import start_fresh_session
from klaspoort.audit.events import record_event
from klaspoort.twofactor.actions import is_enrolled, required_for, verify_second_factor

SESSION_PENDING = "kp_2fa_pending"
PENDING_SECONDS = 600
MAX_WRONG_CODES = 5

Step = Literal["code", "enrol"]


@dataclass(frozen=True)
class Pending:
    account: Account
    step: Step
    next_url: str
    wrong_codes: int


def continue_login(request: HttpRequest, result: LoginResult, next_url: str | None) -> str:
    """Straight into the session, or first the second step. Costs no query for people without
    two-factor who coordinate no school that requires it."""
    account = result.account
    assert account is not None
    step: Step
    if is_enrolled(account):
        step = "code"
    elif required_for(result.placements):
        step = "enrol"
    else:
        return begin_staff_session(request, result, next_url)
    start_fresh_session(request)  # nobody else's principal waits in the session during this step
    request.session[SESSION_PENDING] = {
        "account": account.pk,
        "step": step,
        "next": next_url or "",
        "since": int(time.time()),
        "wrong": 0,
    }
    record_event("login.second_step", outcome="asked", subject=account_subject(account), step=step)
    return reverse("twofactor:code" if step == "code" else "twofactor:enrol_at_login")


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(SESSION_PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - int(data.get("since", 0)) > PENDING_SECONDS or data.get("step") not in ("code", "enrol"):
        drop_pending(request)
        return None
    account_id = data.get("account")
    if not isinstance(account_id, int):
        drop_pending(request)
        return None
    account = (
        Account.objects.filter(pk=account_id, kind=Account.Kind.STAFF, is_active=True)
        .select_related("totp_device")
        .first()
    )
    if account is None:
        drop_pending(request)
        return None
    return Pending(account, data["step"], str(data.get("next") or ""), int(data.get("wrong", 0)))


def count_wrong_code(request: HttpRequest) -> int:
    """One more wrong code; at MAX_WRONG_CODES the pending login ends. Returns how many remain."""
    data = request.session.get(SESSION_PENDING) or {}
    wrong = int(data.get("wrong", 0)) + 1
    if wrong >= MAX_WRONG_CODES:
        drop_pending(request)
        return 0
    request.session[SESSION_PENDING] = {**data, "wrong": wrong}
    return MAX_WRONG_CODES - wrong


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(SESSION_PENDING, None)


def finish_login(request: HttpRequest, step: Pending) -> str | None:
    """Begin the staff session after the second step. None if the person has no school any more."""
    drop_pending(request)
    placements = active_placements(step.account)
    if not placements:
        return None
    return begin_staff_session(
        request, LoginResult("ok", account=step.account, placements=placements), step.next_url
    )


@dataclass(frozen=True)
class CodeAnswer:
    """What became of a code given at the second step.

    outcome  "ok" (target: where to go), "wait" (wait seconds), "wrong" (left: tries before the
             password is asked again), "ended" (too many wrong codes), "no_school"
    """

    outcome: Literal["ok", "wait", "wrong", "ended", "no_school"]
    target: str = ""
    wait: int = 0
    left: int = 0


def submit_code(request: HttpRequest, step: Pending, code: str) -> CodeAnswer:
    """Check a code from the app or a recovery code, behind the per-account code throttle."""
    account = step.account
    wait = throttle.check_code(account.uuid)
    if wait:
        return CodeAnswer("wait", wait=wait)
    factor = verify_second_factor(account, code)
    throttle.record_code(account.uuid, ok=factor is not None)
    if factor is None:
        record_event(
            "login.code_failed",
            outcome="denied",
            subject=account_subject(account),
            client_ip=client_ip(request),
        )
        left = count_wrong_code(request)
        return CodeAnswer("wrong", left=left) if left else CodeAnswer("ended")
    target = finish_login(request, step)
    return CodeAnswer("ok", target=target) if target else CodeAnswer("no_school")
