"""The session index: find and end a person's sessions on every worker ("sign out everywhere", B5).

Sessions live in the `AccountSession` table (see `session_store`), which records the account and
the school of each session. Ending sessions deletes their rows; listeners of `principals_ended`
are told once, with the (session key, principal) of every ended session that had a principal.

    end_sessions(account_ids, *, school_ref=None, except_key=None) -> int
    end_sessions_where(rows, acting) -> int       those of `rows` whose principal `acting` accepts
    sessions_of(account) -> QuerySet[AccountSession]
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.db.models import QuerySet

from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import SESSION_KEY as PRINCIPAL_KEY
from klaspoort.accounts.principal import Principal, principals_ended
from klaspoort.accounts.session_store import SessionStore
from klaspoort.core import clock


def sessions_of(account: Account) -> QuerySet[AccountSession]:
    return AccountSession.objects.filter(account=account, expire_date__gt=clock.now())


def end_sessions(
    account_ids: Iterable[int], *, school_ref: uuid.UUID | None = None, except_key: str | None = None
) -> int:
    """End every session of these accounts (only those working at `school_ref`, if given)."""
    ids = list(account_ids)
    if not ids:
        return 0
    rows = AccountSession.objects.filter(account_id__in=ids)
    if school_ref is not None:
        rows = rows.filter(school_ref=school_ref)
    if except_key:
        rows = rows.exclude(session_key=except_key)
    return end_sessions_where(rows, lambda principal: True)


def end_sessions_where(rows: QuerySet[AccountSession], acting: Callable[[Principal | None], bool]) -> int:
    """End the sessions among `rows` whose principal (None: nobody acting) `acting` accepts.

    One query reads the rows, one deletes the ended ones; each session is decoded to find its
    principal. Listeners of `principals_ended` are told once, with every ended session that had one.
    """
    store = SessionStore()
    ended: list[tuple[str, Principal | None]] = []
    for key, data in rows.values_list("session_key", "session_data"):
        principal = Principal.from_session(store.decode(data).get(PRINCIPAL_KEY))
        if acting(principal):
            ended.append((key, principal))
    if not ended:
        return 0
    AccountSession.objects.filter(session_key__in=[key for key, _ in ended]).delete()
    with_principal = [(key, principal) for key, principal in ended if principal is not None]
    if with_principal:
        principals_ended.send(sender=Principal, ended=with_principal)
    return len(ended)
