"""The statements on `OidcGrant` that every sign-in runs (authorize, token, userinfo): ORM queries
over the rule methods of `OidcGrantQuerySet`, compiled once (`core.compiled`).

    grant_by_handle(handle, app_id=None) -> OidcGrant | None     any state (reuse detection, revocation)
    redeemable_grant(handle, app_id) -> OidcGrant | None         a code exchangeable now (CODE_FIELDS)
    access_valid_grant(handle) -> OidcGrant | None               an access token usable now (ACCESS_FIELDS)
    refreshable_grant(handle) -> OidcGrant | None                a refresh token usable now
    insert_grant(grant)                                          one INSERT, sets grant.pk
    redeem_code(pk, values) -> bool                              compare-and-set: still redeemable
    refresh_tokens(pk, refresh_hash, values) -> bool             compare-and-set: still refreshable

The compare-and-set UPDATEs repeat the rule in their WHERE, so that of two concurrent redemptions
of one code or refresh token only one changes the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from klaspoort.core.clock import now
from klaspoort.core.compiled import CompiledQuery, CompiledUpdate, Param
from klaspoort.core.inserts import InsertStatement
from klaspoort.federation.oidc.models import OidcGrant

_INSERT = InsertStatement(OidcGrant)
_HANDLE, _APP, _PK = Param.of(OidcGrant, "handle"), Param.of(OidcGrant, "app"), Param.of(OidcGrant, "pk")
_AT = Param.of(OidcGrant, "code_expires_at", "at")  # a moment, compared with the expiry fields

_BY_HANDLE = CompiledQuery(OidcGrant, lambda: OidcGrant.objects.filter(handle=_HANDLE))
_BY_HANDLE_OF_APP = CompiledQuery(OidcGrant, lambda: OidcGrant.objects.filter(handle=_HANDLE, app=_APP))
# What the token endpoint reads of the grant of a code it exchanges, and userinfo of the grant of
# an access token: only these columns are read and converted (the dates and UUIDs of the rest cost
# more on every sign-in than the query); any other field is loaded on first use, as `.only()` does.
CODE_FIELDS = (
    "handle", "app", "principal", "op_session", "sid", "released", "scope", "redirect_uri", "nonce",
    "code_challenge", "code_challenge_method", "code_hash",
)  # fmt: skip
ACCESS_FIELDS = ("handle", "access_hash", "released", "scope")
_REDEEMABLE = CompiledQuery(
    OidcGrant, lambda: OidcGrant.objects.redeemable(_AT).filter(handle=_HANDLE, app=_APP).only(*CODE_FIELDS)
)
_ACCESS_VALID = CompiledQuery(
    OidcGrant, lambda: OidcGrant.objects.access_valid(_AT).filter(handle=_HANDLE).only(*ACCESS_FIELDS)
)
_REFRESHABLE = CompiledQuery(OidcGrant, lambda: OidcGrant.objects.refreshable(_AT).filter(handle=_HANDLE))
_REDEEM: dict[tuple[str, ...], CompiledUpdate[OidcGrant]] = {}
_REFRESH: dict[tuple[str, ...], CompiledUpdate[OidcGrant]] = {}


def _first(found: list[OidcGrant]) -> OidcGrant | None:
    return found[0] if found else None


def grant_by_handle(handle: str, app_id: int | None = None) -> OidcGrant | None:
    if app_id is None:
        return _first(_BY_HANDLE.fetch(handle=handle))
    return _first(_BY_HANDLE_OF_APP.fetch(handle=handle, app=app_id))


def redeemable_grant(handle: str, app_id: int) -> OidcGrant | None:
    return _first(_REDEEMABLE.fetch(handle=handle, app=app_id, at=now()))


def access_valid_grant(handle: str) -> OidcGrant | None:
    return _first(_ACCESS_VALID.fetch(handle=handle, at=now()))


def refreshable_grant(handle: str) -> OidcGrant | None:
    return _first(_REFRESHABLE.fetch(handle=handle, at=now()))


def insert_grant(grant: OidcGrant) -> OidcGrant:
    return _INSERT.insert(grant)


def redeem_code(pk: int, values: dict[str, Any], at: dt.datetime | None = None) -> bool:
    """Set `values` on the grant while its code is still redeemable (now, or at `at`); whether it did."""
    fields = tuple(sorted(values))
    update = _REDEEM.get(fields)
    if update is None:
        update = _REDEEM[fields] = CompiledUpdate(
            OidcGrant, lambda: OidcGrant.objects.redeemable(_AT).filter(pk=_PK), fields
        )
    return bool(update.run(pk=pk, at=at or now(), **values))


def refresh_tokens(pk: int, refresh_hash: str, values: dict[str, Any]) -> bool:
    """Set `values` on the grant while it is refreshable with this refresh token; whether it did."""
    fields = tuple(sorted(values))
    update = _REFRESH.get(fields)
    if update is None:
        was = Param.of(OidcGrant, "refresh_hash", "was")
        update = _REFRESH[fields] = CompiledUpdate(
            OidcGrant, lambda: OidcGrant.objects.refreshable(_AT).filter(pk=_PK, refresh_hash=was), fields
        )
    return bool(update.run(pk=pk, at=now(), was=refresh_hash, **values))
