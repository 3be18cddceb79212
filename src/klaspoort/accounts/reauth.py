"""The password again after a session's client address changed (C10), behind the login throttle.

    reauthenticate_staff(request, password, solution) -> PasswordCheck
    reauthenticate_parent(request, parent, password, solution) -> PasswordCheck   (/thuis/bevestigen/)

The try goes through the same throttle and challenge as the login (`throttle.check_account_password`):
a stolen session cookie gives an attacker no more password guesses than the login page does.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.login import SESSION_IP, SESSION_SEEN, SESSION_TAKEOVER, account_subject
from klaspoort.accounts.models import Account
from klaspoort.accounts.session_address import remember_parent_client
from klaspoort.accounts.throttle import PasswordCheck, check_account_password
from klaspoort.audit.events import record_event


def reauthenticate_staff(
    request: HttpRequest, password: str, *, solution: str | None = None
) -> PasswordCheck:
    """Continue from the new address with a new session key when the password is right."""
    account = request.user
    if not isinstance(account, Account):
        return PasswordCheck(False)
    ip = client_ip(request)
    check = check_account_password(
        account, password, client_ip=ip, solution=solution, failure_event="session.reauth_failed"
    )
    if not check.ok:
        return check
    request.session.cycle_key()
    request.session[SESSION_IP] = ip
    request.session[SESSION_SEEN] = int(time.time())
    request.session.pop(SESSION_TAKEOVER, None)
    record_event("session.reauthenticated", actor=account_subject(account), client_ip=ip)
    return check


def reauthenticate_parent(
    request: HttpRequest, parent: Account, password: str, *, solution: str | None = None
) -> PasswordCheck:
    """The parent's password again (the parent login's throttle); when right: a new session key,
    and this network and browser are the session's from now on."""
    ip = client_ip(request)
    check = check_account_password(
        parent, password, client_ip=ip, solution=solution, failure_event="session.reauth_failed"
    )
    if check.ok:
        request.session.cycle_key()
        remember_parent_client(request)
        record_event("session.reauthenticated", actor=account_subject(parent), client_ip=ip, login="parent")
    return check
