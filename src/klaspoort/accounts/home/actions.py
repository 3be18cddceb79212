"""State changes of the home login (do_* actions). Every action records an audit event.

Teacher side (C6, C7):
    do_set_home_addresses(pupil, values, *, actor) -> AddressChange     up to two addresses per pupil
    do_send_home_activation(address, *, actor) -> None                  a new activation link
Parent side (C6, C8):
    do_activate_home(raw_token, password) -> Account                    first password via the mailed link
    do_request_home_password_reset(email, *, client_ip=None) -> bool    one mail per address per 15 min
    do_reset_home_password(raw_token, password) -> Account              new password; sessions end

Activation and reset links use the staff token rules (tokens.py: 36-character GUID, single use,
14 days, replaced when re-sent) with purposes of their own, so a parent's link never works on
the staff pages or the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from klaspoort.accounts import tokens
from klaspoort.accounts.actions import ResetRequests, set_password_with_token
from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.home.addresses import AddressPlan, parse_addresses, plan_addresses
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.home.sessions import end_child_sessions
from klaspoort.accounts.language import mail_language
from klaspoort.accounts.login import account_subject, email_subject
from klaspoort.accounts.mail import absolute_url, render_mail, send_mails
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.accounts.permissions import Actor, require_teacher_of
from klaspoort.accounts.sessions import end_sessions
from klaspoort.audit.events import record_event
from klaspoort.core.actors import SystemActor
from klaspoort.roster.models import Pupil

HOME_ACTIVATION = "home-activation"
HOME_PASSWORD_RESET = "home-password-reset"  # noqa: S105 (a purpose name)
MAIL_PREFIX = "home/mail/"
ALREADY_ACTIVE = gettext_lazy(
    "Dit adres heeft al een wachtwoord gemaakt. Is het vergeten? Dan kan de ouder op de inlogpagina "
    "voor thuis 'Wachtwoord vergeten' kiezen."
)


def pupil_subject(pupil: Pupil) -> str:
    return f"pupil:{pupil.uuid}"


@dataclass(frozen=True)
class AddressChange:
    """What `do_set_home_addresses` did: the plan, the addresses now stored, and the mails."""

    plan: AddressPlan
    addresses: tuple[HomeAddress, ...] = ()
    mails_sent: int = 0
    sessions_ended: int = 0
    accounts_removed: int = 0
    notified: tuple[str, ...] = field(default=())


def parent_accounts(emails: Iterable[str]) -> dict[str, Account]:
    """The parent account of each address, made (inactive, no password) where missing. Two queries
    when all exist, three otherwise; safe when two teachers add the same address at once."""
    wanted = sorted({normalise_email(email) for email in emails})
    if not wanted:
        return {}
    found = {a.email: a for a in Account.objects.filter(kind=Account.Kind.PARENT, email__in=wanted)}
    missing = [email for email in wanted if email not in found]
    if missing:
        Account.objects.bulk_create(
            (
                Account(email=email, kind=Account.Kind.PARENT, is_active=False, password=make_password(None))
                for email in missing
            ),
            ignore_conflicts=True,
        )
        found = {a.email: a for a in Account.objects.filter(kind=Account.Kind.PARENT, email__in=wanted)}
    return found


def _link(kind: str, raw_token: str) -> str:
    return absolute_url(reverse(f"thuis:{kind}", args=[raw_token]))


def _mail_context(pupil: Pupil) -> dict[str, object]:
    return {
        "child": pupil.first_name,
        "school": pupil.school.name,
        "login_url": absolute_url(reverse("thuis:login")),
        "days": tokens.DEFAULT_LIFETIME.days,
    }


def _invitation_mails(pupil: Pupil, accounts: Sequence[Account]) -> list[EmailMessage]:
    """New accounts get an activation link; activated ones a note that this child was added."""
    waiting = [account for account in accounts if not account.is_active]
    raw = tokens.issue_tokens(waiting, HOME_ACTIVATION)  # race-safe: the later link replaces the other
    mails = []
    for account in accounts:
        context = _mail_context(pupil)
        language = mail_language(account)
        if account.is_active:
            mails.append(render_mail(account.email, f"{MAIL_PREFIX}child_added", context, language=language))
        else:
            context["link"] = _link("activate", raw[account.pk])
            mails.append(render_mail(account.email, f"{MAIL_PREFIX}activation", context, language=language))
    return mails


def _send(mails: list[EmailMessage]) -> int:
    """Queue the mails (sent after commit by a background job; failures are retried there)."""
    return send_mails(mails)


@transaction.atomic
def do_set_home_addresses(pupil: Pupil, values: Sequence[str], *, actor: Actor) -> AddressChange:
    """The teacher sets a pupil's home addresses (C6). `actor`: staff who see a group of the pupil
    (`require_teacher_of`; PermissionDenied otherwise) or a system actor. Raises AddressError for bad
    input (nothing changes). New addresses get their mail; removed ones lose access to this child at once."""
    by = require_teacher_of(actor, pupil)
    wanted = parse_addresses(values)
    school_ref = pupil.school.instelling_ref
    with transaction.atomic():
        # Two teachers saving the same pupil at once: the second waits for the first (PostgreSQL;
        # SQLite transactions are serialised already).
        list(Pupil.objects.select_for_update().filter(pk=pupil.pk).values_list("pk"))
        current = {
            row.position: row
            for row in HomeAddress.objects.select_for_update(of=("self",))
            .filter(pupil=pupil)
            .select_related("account")
        }
        plan = plan_addresses({position: row.email for position, row in current.items()}, wanted)
        if not plan.changed:
            return AddressChange(plan, tuple(current[p] for p in sorted(current)))
        removed = [current[position] for position in plan.remove]
        removed_accounts = [row.account_id for row in removed if row.account_id is not None]
        HomeAddress.objects.filter(pk__in=[row.pk for row in removed]).delete()
        accounts = parent_accounts(plan.add.values())
        added = HomeAddress.objects.bulk_create(
            HomeAddress(pupil=pupil, position=position, email=email, account=accounts[email])
            for position, email in sorted(plan.add.items())
        )
        ended = end_child_sessions(removed_accounts, pupil)
        orphans = Account.objects.filter(
            pk__in=removed_accounts, kind=Account.Kind.PARENT, home_addresses__isnull=True
        )
        orphan_ids = list(orphans.values_list("pk", flat=True))
        ended += end_sessions(orphan_ids)
        removed_count = Account.objects.filter(pk__in=orphan_ids).delete()[1].get("accounts.Account", 0)
    for position, email in sorted(plan.remove.items()):
        record_event(
            "home.address_removed", actor=by, subject=pupil_subject(pupil), school_ref=school_ref,
            position=position, email=email_subject(email),
        )  # fmt: skip
    for row in added:
        record_event(
            "home.address_added", actor=by, subject=pupil_subject(pupil), school_ref=school_ref,
            position=row.position, account=str(accounts[row.email].uuid),
        )  # fmt: skip
    new_accounts = [accounts[email] for _, email in sorted(plan.add.items())]
    mails = _invitation_mails(pupil, new_accounts)
    queued = _send(mails)
    if queued:
        record_event(
            "home.activation_sent", actor=by, subject=pupil_subject(pupil), school_ref=school_ref,
            accounts=[str(account.uuid) for account in new_accounts if not account.is_active],
            notified=[str(account.uuid) for account in new_accounts if account.is_active],
        )  # fmt: skip
    stored = tuple(HomeAddress.objects.filter(pupil=pupil).select_related("account").order_by("position"))
    return AddressChange(
        plan,
        stored,
        mails_sent=queued,
        sessions_ended=ended,
        accounts_removed=removed_count,
        notified=tuple(account.email for account in new_accounts if account.is_active),
    )


@transaction.atomic
def do_send_home_activation(address: HomeAddress, *, actor: Actor) -> bool:
    """A new activation link for one home address (the old link stops working), queued to be mailed
    after commit; returns True. `actor`: as for `do_set_home_addresses`. Raises AccountError when
    the address already has a password."""
    by = require_teacher_of(actor, address.pupil)
    account = address.account
    if account is None:
        account = parent_accounts([address.email])[address.email]
        HomeAddress.objects.filter(pk=address.pk).update(account=account)
        address.account = account
    if account.is_active:
        raise AccountError(ALREADY_ACTIVE)
    pupil = address.pupil
    mails = _invitation_mails(pupil, [account])
    _send(mails)
    record_event(
        "home.activation_sent", actor=by, subject=pupil_subject(pupil),
        school_ref=pupil.school.instelling_ref, accounts=[str(account.uuid)], resent=True,
    )  # fmt: skip
    return True


def do_activate_home(raw_token: str, password: str) -> Account:
    """The parent sets the first password through the mailed link; the account becomes active."""
    account = set_password_with_token(raw_token, HOME_ACTIVATION, password)
    tokens.revoke_tokens(account, HOME_PASSWORD_RESET)
    record_event("home.activated", actor=account_subject(account), subject=account_subject(account))
    return account


HOME_RESETS = ResetRequests(
    Account.Kind.PARENT, "home.reset_requested", salt="klaspoort.home_reset", key_prefix="kp:home-pwreset",
    job="parent",
)  # fmt: skip


def do_request_home_password_reset(email: str, *, client_ip: str | None = None, gated: bool = False) -> bool:
    """Forgotten password of a parent (C8): a link, at most once per address per 15 minutes. The
    forgot page calls `HOME_RESETS.queue` in the request; the background job calls this (`gated`).

    The caller shows the same answer whatever happens (no enumeration). Returns whether a mail was
    sent. An account without a password yet gets a new activation link instead.
    """
    account = HOME_RESETS.admit(email, client_ip=client_ip, gated=gated)
    if account is None:
        return False
    if not account.is_active:
        row = (
            HomeAddress.objects.filter(account=account).select_related("pupil__school").order_by("pk").first()
        )
        by = SystemActor(email_subject(account.email))  # the parent's own (throttled) request
        return row is not None and do_send_home_activation(row, actor=by)
    raw = tokens.issue_token(account, HOME_PASSWORD_RESET)
    context = {
        "link": _link("password_reset", raw),
        "login_url": absolute_url(reverse("thuis:login")),
        "days": tokens.DEFAULT_LIFETIME.days,
    }
    mail = render_mail(
        account.email, f"{MAIL_PREFIX}password_reset", context, language=mail_language(account)
    )
    _send([mail])
    record_event("home.reset_requested", subject=account_subject(account), client_ip=client_ip)
    return True


def do_reset_home_password(raw_token: str, password: str) -> Account:
    """A new password through the forgotten-password link; every session of the parent ends."""
    account = set_password_with_token(raw_token, HOME_PASSWORD_RESET, password)
    ended = end_sessions([account.pk])
    record_event(
        "home.password_reset", actor=account_subject(account), subject=account_subject(account),
        sessions_ended=ended,
    )  # fmt: skip
    return account
