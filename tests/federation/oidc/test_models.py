"""The OidcGrant table's indexes: what every sign-in writes."""

from __future__ import annotations

import pytest
from django.db import connection

from klaspoort.federation.oidc.models import OidcGrant

pytestmark = pytest.mark.django_db


def test_grants_of_an_app_are_found_through_the_app_and_school_index_alone() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, OidcGrant._meta.db_table)
    by_app = [
        info["columns"]
        for info in constraints.values()
        if info["index"] and not info["primary_key"] and "app_id" in info["columns"]
    ]
    assert by_app == [["app_id", "school_ref"]]
    # (PostgreSQL adds a pattern-ops index beside the ones on text columns: the same columns.)
    indexed = sorted(
        {
            tuple(info["columns"])
            for info in constraints.values()
            if (info["index"] or info["unique"]) and not info["primary_key"]
        }
    )
    assert indexed == [("app_id", "school_ref"), ("handle",), ("op_session",), ("school_ref", "person")]
