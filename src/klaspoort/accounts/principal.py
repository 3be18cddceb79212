"""Who is signed in, as seen by the rest of the platform.

Login flows (staff, pupil, parent) call `establish_principal` after they have verified the
credentials and rotated the session; consumers (portal, federation) call `current_principal`.
Only plain data lives in the session, so any worker can read it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Literal

from django.dispatch import Signal
from django.http import HttpRequest

SESSION_KEY = "kp_principal"

# Sent by `end_principal` (every logout path) with `request` and `principal`.
principal_ended = Signal()
# Many sessions ended at once without a request (sign out everywhere, removed pupils or staff):
# sent once with `ended`, a list of (session key, Principal), so listeners can work in batches.
principals_ended = Signal()

PrincipalKind = Literal["staff", "pupil"]
Context = Literal["school", "home"]


@dataclass(frozen=True)
class Principal:
    """The person acting in this session at one school.

    kind      "staff" (a StaffMember) or "pupil" (a Pupil, at school or via a parent's home login)
    person    the person's stable uuid (StaffMember.uuid or Pupil.uuid)
    school    the SchoolLocation.instelling_ref the session is working at
    context   "school" or "home" (home login through a parent account)
    account   Account.uuid of the login used (staff or parent), None for a pupil at school
    auth_time unix time of the (re-)authentication
    """

    kind: PrincipalKind
    person: uuid.UUID
    school: uuid.UUID
    context: Context = "school"
    account: uuid.UUID | None = None
    auth_time: int = 0

    def to_session(self) -> dict[str, str | int | None]:
        return {
            "kind": self.kind,
            "person": str(self.person),
            "school": str(self.school),
            "context": self.context,
            "account": str(self.account) if self.account else None,
            "auth_time": self.auth_time,
        }

    @classmethod
    def from_session(cls, data: object) -> Principal | None:
        if not isinstance(data, dict):
            return None
        try:
            kind = data["kind"]
            context = data.get("context", "school")
            if kind not in ("staff", "pupil") or context not in ("school", "home"):
                return None
            account = data.get("account")
            return cls(
                kind=kind,
                person=uuid.UUID(str(data["person"])),
                school=uuid.UUID(str(data["school"])),
                context=context,
                account=uuid.UUID(str(account)) if account else None,
                auth_time=int(data.get("auth_time", 0)),
            )
        except (KeyError, ValueError, TypeError):
            return None


def establish_principal(request: HttpRequest, principal: Principal) -> None:
    """Record who is acting. Callers must have rotated the session key already (login)."""
    if not principal.auth_time:
        principal = Principal(
            kind=principal.kind,
            person=principal.person,
            school=principal.school,
            context=principal.context,
            account=principal.account,
            auth_time=int(time.time()),
        )
    request.session[SESSION_KEY] = principal.to_session()


def current_principal(request: HttpRequest) -> Principal | None:
    return Principal.from_session(request.session.get(SESSION_KEY))


def clear_principal(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def start_fresh_session(request: HttpRequest) -> None:
    """Where every login starts (staff, parent, pupil, operator; at its first step): whoever acted
    in this browser before is signed out (listeners told) and the session is emptied under a new
    key, so no principal or account of another person is left at any step of the new login."""
    end_principal(request)
    request.session.flush()
    if hasattr(request, "user"):
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()


def end_principal(request: HttpRequest) -> Principal | None:
    """Sign the acting person out of this session; tells listeners (e.g. back-channel logout) first."""
    principal = current_principal(request)
    if principal is not None:
        principal_ended.send(sender=Principal, request=request, principal=principal)
    clear_principal(request)
    return principal
