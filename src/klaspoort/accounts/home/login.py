"""The parent's own login at /thuis/ (C6): email + password of a parent account, behind the same
brute-force throttle as the staff login (accounts/throttle.py: waits and a proof-of-work challenge,
never a lockout), with counters of its own.

    authenticate_parent(request, email, password, *, solution) -> ParentLogin   verify; audit; throttle
    begin_parent_session(request, account) -> None                              new session key, no child yet
    children_of(account) -> list[HomeChild]                                     the children it may act for
    child_of(account, ref) -> HomeChild | None

A parent session carries the parent account but no principal: nobody acts as a pupil until the
child has given its own school code (`child.py`). Staff accounts are never accepted here (accounts
are separate per kind: the same address may have a staff and a parent account).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db.models import QuerySet
from django.http import HttpRequest

from klaspoort.accounts import throttle
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.language import remember_language
from klaspoort.accounts.login import BACKEND, account_subject, email_subject
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import start_fresh_session
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import has_credential
from klaspoort.accounts.session_address import remember_parent_client
from klaspoort.audit.events import record_event
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Pupil
from klaspoort.roster.rules import pupil_active_q


@dataclass(frozen=True)
class ParentLogin:
    """account: the parent account when email and password are right; message: why the throttle
    refused the try ("" otherwise); challenge: a fresh challenge when the next try needs one."""

    account: Account | None
    message: str = ""
    challenge: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.account is not None


def is_parent(user: object) -> bool:
    return isinstance(user, Account) and user.kind == Account.Kind.PARENT and user.is_active


def authenticate_parent(
    request: HttpRequest, email: str, password: str, *, solution: str | None
) -> ParentLogin:
    ip = client_ip(request)
    gate = throttle.admit_login(email, ip, solution=solution, kind="parent")
    if not gate.allowed:
        fresh = throttle.next_challenge(gate) if gate.challenge_required else None
        return ParentLogin(None, gate.message, fresh)
    found = authenticate(request, email=email, password=password, kind=Account.Kind.PARENT)
    account = found if isinstance(found, Account) else None
    needs_challenge = throttle.record_login(gate, password_ok=account is not None)
    if account is None:
        record_event("home.login", outcome="denied", subject=email_subject(email), client_ip=ip)
    else:
        record_event(
            "home.login", actor=account_subject(account), subject=account_subject(account), client_ip=ip
        )
    return ParentLogin(account, challenge=throttle.next_challenge(gate) if needs_challenge else None)


def begin_parent_session(request: HttpRequest, account: Account) -> None:
    """Sign the parent in with a new session key; whoever acted in this browser before is signed out."""
    start_fresh_session(request)
    login(request, account, backend=BACKEND)
    remember_parent_client(request)
    remember_language(account)
    request.session.set_expiry(settings.HOME_SESSION_MAX_AGE)


@dataclass(frozen=True)
class HomeChild:
    """A child a parent may log in for. `ref` is the home address's public reference."""

    ref: uuid.UUID
    pupil: Pupil

    @property
    def school(self) -> SchoolLocation:
        return self.pupil.school

    @property
    def credential(self) -> PupilCredential | None:
        return has_credential(self.pupil)

    @property
    def picture(self) -> str:
        credential = self.credential
        return credential.picture if credential is not None else ""


def _links(account: Account) -> QuerySet[HomeAddress]:
    return (
        HomeAddress.objects.filter(pupil_active_q("pupil__"), account=account)
        .select_related("pupil__school", "pupil__pupil_credential")
        .order_by("pupil__first_name", "pupil__school__name", "pk")
    )


def children_of(account: Account) -> list[HomeChild]:
    """Active pupils at active schools this parent account holds (one query)."""
    return [HomeChild(row.uuid, row.pupil) for row in _links(account)]


def child_of(account: Account, ref: str) -> HomeChild | None:
    try:
        parsed = uuid.UUID(ref)
    except ValueError:
        return None
    row = _links(account).filter(uuid=parsed).first()
    return HomeChild(row.uuid, row.pupil) if row is not None else None
