"""Account state changes (do_* actions): activation, passwords, sessions.

Staff creation and roles are in `staff.py`. Every action records an audit event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from klaspoort.accounts import tokens
from klaspoort.accounts.errors import AccountError, PasswordCheckFailed, PasswordRejected
from klaspoort.accounts.language import mail_language
from klaspoort.accounts.login import account_subject, email_subject
from klaspoort.accounts.mail import absolute_url, render_mail, send_mails
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.accounts.outbox import AfterCommit
from klaspoort.accounts.passwords import validate_new_password
from klaspoort.accounts.sessions import end_sessions
from klaspoort.accounts.throttle import check_account_password
from klaspoort.audit.events import record_event
from klaspoort.core.queue import enqueue

logger = logging.getLogger("klaspoort.accounts")
RESET_INTERVAL_SECONDS = 15 * 60  # C8: one forgotten-password mail per address per 15 minutes

LINK_INVALID = gettext_lazy(
    "Deze link werkt niet (meer): hij is al gebruikt, verlopen of vervangen door een nieuwere."
)


def _check_password(password: str, email: str) -> None:
    try:
        validate_new_password(password, email=email)
    except ValidationError as exc:
        raise PasswordRejected(exc.messages) from exc


def activation_link(account: Account) -> str:
    """Issue a fresh activation token (the previous one stops working) and return its URL."""
    raw = tokens.issue_token(account, tokens.ACTIVATION)
    return absolute_url(reverse("accounts:activate", args=[raw]))


def do_send_activation(account: Account, *, actor: str = "", name: str = "") -> None:
    if account.is_active:
        raise AccountError(
            gettext("Dit account is al geactiveerd; gebruik 'wachtwoord vergeten' voor een nieuw wachtwoord.")
        )
    link = activation_link(account)
    context = {"link": link, "name": name, "days": 14}
    send_mails([render_mail(account.email, "activation", context, language=mail_language(account))])
    record_event("account.activation_sent", actor=actor, subject=account_subject(account))


def do_set_password(account: Account, password: str, *, actor: str) -> None:
    """An operator (or the demo) sets a password directly; the account becomes active."""
    _check_password(password, account.email)
    account.set_password(password)
    account.is_active = True
    account.save(update_fields=["password", "is_active"])
    tokens.revoke_tokens(account)
    record_event("password.set", actor=actor, subject=account_subject(account))


def set_password_with_token(raw_token: str, purpose: str, password: str) -> Account:
    """The password step shared by every link-based action (activation, reset; staff and parents):
    the link must be valid for `purpose` and the password acceptable; the link is used up in the same
    transaction as the password is set. Callers record their own audit event."""
    account = tokens.peek_token(raw_token, purpose)
    if account is None:
        raise AccountError(LINK_INVALID)
    _check_password(password, account.email)
    with transaction.atomic():
        if tokens.consume_token(raw_token, purpose) is None:
            raise AccountError(LINK_INVALID)
        account.set_password(password)
        account.is_active = True
        account.save(update_fields=["password", "is_active"])
    return account


def do_activate(raw_token: str, password: str) -> Account:
    """Set the first password through the activation link; the account becomes active (C2)."""
    account = set_password_with_token(raw_token, tokens.ACTIVATION, password)
    tokens.revoke_tokens(account, tokens.PASSWORD_RESET)
    record_event("account.activated", actor=account_subject(account), subject=account_subject(account))
    return account


def do_reset_password(raw_token: str, password: str) -> Account:
    """New password through a forgotten-password link; every session of the account ends."""
    account = set_password_with_token(raw_token, tokens.PASSWORD_RESET, password)
    ended = end_sessions([account.pk])
    record_event(
        "password.reset",
        actor=account_subject(account),
        subject=account_subject(account),
        sessions_ended=ended,
    )
    return account


@dataclass(frozen=True)
class ResetRequests:
    """The gate before a forgotten-password mail (C8), shared by the staff and the home login: at
    most one request per address per 15 minutes (in the shared cache, under `key_prefix`), and only
    for an account of `kind`. Refusals are audited as `event` with outcome "throttled" or "unknown".

    The forgot pages call `queue` (finding 6 of issue 12): the request only takes the rate gate and
    hands the address to a background job (`tasks.request_password_reset`, after commit), the same
    work for a known and an unknown address, so its timing and queries tell nobody who has an
    account. The job (`job` names it) looks the account up and queues the mail.
    """

    kind: str
    event: str
    salt: str
    key_prefix: str
    job: str = "staff"

    def rate_key(self, email: str) -> str:
        digest = salted_hmac(self.salt, normalise_email(email), algorithm="sha256").hexdigest()
        return f"{self.key_prefix}:{digest}"

    def allow(self, email: str, *, client_ip: str | None) -> str | None:
        """The normalised address when a request for it may go ahead (one per 15 minutes), else None."""
        address = normalise_email(email)
        if not address or not cache.add(self.rate_key(address), 1, timeout=RESET_INTERVAL_SECONDS):
            record_event(self.event, outcome="throttled", subject=email_subject(address), client_ip=client_ip)
            return None
        return address

    def lookup(self, address: str, *, client_ip: str | None) -> Account | None:
        account = Account.objects.filter(email=address, kind=self.kind).first()
        if account is None:
            record_event(self.event, outcome="unknown", subject=email_subject(address), client_ip=client_ip)
        return account

    def admit(self, email: str, *, client_ip: str | None, gated: bool = False) -> Account | None:
        """The account to mail, or None (nothing to send: throttled, empty or unknown address).
        `gated`: the request already passed `allow` (the background job)."""
        address = normalise_email(email) if gated else self.allow(email, client_ip=client_ip)
        return self.lookup(address, client_ip=client_ip) if address else None

    def queue(self, email: str, *, client_ip: str | None) -> None:
        """What the forgot pages do in the request: the rate gate, then the job after commit."""
        address = self.allow(email, client_ip=client_ip)
        if address:
            transaction.on_commit(ResetAfterCommit(self.job, address, client_ip))


class ResetAfterCommit(AfterCommit):
    """Hands a forgotten-password request to the background job once the request commits."""

    def __init__(self, job: str, address: str, client_ip: str | None) -> None:
        self.job, self.address, self.client_ip = job, address, client_ip

    def __call__(self) -> None:
        from klaspoort.accounts.tasks import request_password_reset

        try:
            enqueue(request_password_reset, self.job, self.address, self.client_ip)
        except Exception:  # the broker is away: the person asks again
            logger.warning("password reset: could not queue the request (%s)", self.job, exc_info=True)


STAFF_RESETS = ResetRequests(
    Account.Kind.STAFF, "password.reset_requested", salt="klaspoort.password_reset", key_prefix="kp:pwreset",
    job="staff",
)  # fmt: skip


def do_request_password_reset(email: str, *, client_ip: str | None = None, gated: bool = False) -> bool:
    """Mail a new link, at most once per address per 15 minutes (C8). The forgot page does not call
    this in the request: it calls `STAFF_RESETS.queue`, and the background job calls this (`gated`).

    The caller shows the same answer whatever happens (no account enumeration). Returns whether a
    mail was sent, for tests and logs. Accounts that were never activated get a new activation link.
    """
    account = STAFF_RESETS.admit(email, client_ip=client_ip, gated=gated)
    if account is None:
        return False
    if not account.is_active:
        do_send_activation(account, actor=email_subject(account.email))
        return True
    raw = tokens.issue_token(account, tokens.PASSWORD_RESET)
    link = absolute_url(reverse("accounts:password_reset", args=[raw]))
    context = {"link": link, "days": 14}
    send_mails([render_mail(account.email, "password_reset", context, language=mail_language(account))])
    record_event("password.reset_requested", subject=account_subject(account), client_ip=client_ip)
    return True


def do_change_password(
    account: Account,
    *,
    current_password: str,
    new_password: str,
    keep_session_key: str | None = None,
    client_ip: str = "",
    solution: str | None = None,
) -> int:
    """Change a password knowing the current one; ends the account's other sessions (returns how many).

    The current password is checked behind the login throttle (same counters and challenge as the
    login from `client_ip`); a refused or wrong try raises `PasswordCheckFailed` and changes nothing.
    """
    check = check_account_password(
        account,
        current_password,
        client_ip=client_ip,
        solution=solution,
        failure_event="password.change_failed",
    )
    if not check.ok:
        raise PasswordCheckFailed(check.message or _("Je huidige wachtwoord klopt niet."), check.challenge)
    if new_password == current_password:
        raise PasswordRejected([gettext("Kies een ander wachtwoord dan je huidige.")])
    _check_password(new_password, account.email)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    ended = end_sessions([account.pk], except_key=keep_session_key)
    record_event(
        "password.changed",
        actor=account_subject(account),
        subject=account_subject(account),
        sessions_ended=ended,
    )
    return ended


def do_end_all_sessions(
    account: Account, *, actor: str = "", reason: str = "sign_out_everywhere", except_key: str | None = None
) -> int:
    """End every session of the account on every worker ("sign out everywhere", takeover, B5)."""
    ended = end_sessions([account.pk], except_key=except_key)
    record_event(
        "sessions.ended",
        actor=actor or account_subject(account),
        subject=account_subject(account),
        reason=reason,
        count=ended,
    )
    return ended
