"""The statements on `OidcGrant` that every sign-in runs (authorize, token, userinfo), written out
once (`core.rows`) instead of built by the ORM on each request.

    grant_by_handle(handle, app_id=None) -> OidcGrant | None     one indexed SELECT
    insert_grant(grant)                                          one INSERT, sets grant.pk
    update_grant_if(pk, values, **conditions) -> bool            compare-and-set: one UPDATE

`conditions` name fields that must still hold the given value (None: IS NULL), so that of two
concurrent redemptions of one code or refresh token only one changes the row.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from klaspoort.core.rows import InsertStatement, ModelColumns, SqlText, fetch_rows
from klaspoort.federation.oidc.models import OidcGrant

_GRANT = ModelColumns(OidcGrant, "g")
_INSERT = InsertStatement(OidcGrant)
_BY_HANDLE = SqlText(
    lambda c: f"SELECT {_GRANT.select(c)} FROM {_GRANT.table(c)} WHERE {_GRANT.column(c, 'handle')} = %s"  # noqa: S608
)
_BY_HANDLE_OF_APP = SqlText(lambda c: f"{_BY_HANDLE.text(c)} AND {_GRANT.column(c, 'app')} = %s")


def grant_by_handle(handle: str, app_id: int | None = None) -> OidcGrant | None:
    if app_id is None:
        rows = fetch_rows(connection, _BY_HANDLE.text(connection), [handle])
    else:
        rows = fetch_rows(connection, _BY_HANDLE_OF_APP.text(connection), [handle, app_id])
    return _GRANT.build(rows[0], 0, connection) if rows else None


def insert_grant(grant: OidcGrant) -> OidcGrant:
    return _INSERT.insert(grant)


def update_grant_if(pk: int, values: dict[str, Any], **conditions: Any) -> bool:
    """Set `values` on the grant when every condition still holds; whether it did."""
    assignments, params = _GRANT.assignments(connection, values)
    where = [f"{_GRANT.bare_column(connection, 'pk')} = %s"]
    params.append(pk)
    for name, expected in conditions.items():
        column = _GRANT.bare_column(connection, name)
        if expected is None:
            where.append(f"{column} IS NULL")
        else:
            where.append(f"{column} = %s")
            params.append(_GRANT.param(connection, name, expected))
    table = connection.ops.quote_name(OidcGrant._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {' AND '.join(where)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount)
