"""Who may use the operator console: an active operator account with two-factor sign-in.

Views check it (`views.guard.operator_required`) and every console action checks it again
(`require_operator`), so a call from anywhere else is refused too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from klaspoort.accounts.login import account_subject
from klaspoort.accounts.models import Account
from klaspoort.twofactor.actions import is_enrolled

SESSION_SIGNED_IN = "kp_operator"  # set only after the second factor was given


def is_operator(user: object) -> bool:
    return (
        isinstance(user, Account)
        and user.kind == Account.Kind.OPERATOR
        and user.is_active
        and is_enrolled(user)
    )


def signed_in_operator(request: HttpRequest) -> Account | None:
    """The operator of this session, if they gave both factors in it."""
    user = request.user
    if not is_operator(user) or request.session.get(SESSION_SIGNED_IN) != str(getattr(user, "uuid", "")):
        return None
    assert isinstance(user, Account)
    return user


def require_operator(actor: object) -> Account:
    """For actions: the actor must be an operator (with two-factor); returns it."""
    if not is_operator(actor):
        raise PermissionDenied("operator only")
    assert isinstance(actor, Account)
    return actor


def operator_subject(actor: Account) -> str:
    return account_subject(actor)
