"""The compiled statements on OidcGrant: found by handle, inserted, changed only while the rule holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from klaspoort.federation.oidc.grant_rows import (
    ACCESS_FIELDS,
    CODE_FIELDS,
    access_valid_grant,
    grant_by_handle,
    insert_grant,
    redeem_code,
    redeemable_grant,
    refresh_tokens,
)
from klaspoort.federation.oidc.models import OidcGrant
from tests.federation.factories import GRANT_MOMENT, make_app, unsaved_grant

pytestmark = pytest.mark.django_db
MOMENT = GRANT_MOMENT


_grant = unsaved_grant


def _columns(grant: OidcGrant) -> dict[str, object]:
    return {field.attname: getattr(grant, field.attname) for field in OidcGrant._meta.concrete_fields}


def test_an_inserted_grant_reads_back_as_the_orm_reads_it(django_assert_num_queries) -> None:
    app, _ = make_app()
    grant = insert_grant(_grant(app.pk))
    assert grant.pk is not None

    with django_assert_num_queries(1):
        found = grant_by_handle("h" * 16)

    assert found is not None
    assert _columns(found) == _columns(OidcGrant.objects.get(pk=grant.pk))
    assert found.principal == {"kind": "pupil", "auth_time": 1}
    assert found.code_used_at is None
    assert found.code_expires_at == MOMENT + dt.timedelta(minutes=1)


def test_a_handle_of_another_app_or_an_unknown_handle_finds_nothing() -> None:
    app, _ = make_app()
    insert_grant(_grant(app.pk))
    assert grant_by_handle("h" * 16, app.pk) is not None
    assert grant_by_handle("h" * 16, app.pk + 1) is None
    assert grant_by_handle("x" * 16) is None


def test_of_two_redemptions_only_the_first_changes_the_grant() -> None:
    app, _ = make_app()
    grant = _grant(app.pk)
    grant.code_expires_at = timezone.now() + dt.timedelta(minutes=1)
    insert_grant(grant)
    first_use = timezone.now()

    assert redeem_code(grant.pk, {"code_used_at": first_use, "access_hash": "a" * 64})
    assert not redeem_code(
        grant.pk, {"code_used_at": first_use + dt.timedelta(seconds=1), "access_hash": "b" * 64}
    )

    stored = OidcGrant.objects.get(pk=grant.pk)
    assert (stored.code_used_at, stored.access_hash) == (first_use, "a" * 64)


def test_an_expired_or_revoked_code_is_not_redeemed() -> None:
    app, _ = make_app()
    expired = insert_grant(_grant(app.pk))  # its code expired a minute after MOMENT, days ago
    revoked = _grant(app.pk, "r" * 16)
    revoked.code_expires_at = timezone.now() + dt.timedelta(minutes=1)
    revoked.revoked_at, revoked.revoke_reason = timezone.now(), "logout"
    insert_grant(revoked)

    assert not redeem_code(expired.pk, {"code_used_at": timezone.now()})
    assert not redeem_code(revoked.pk, {"code_used_at": timezone.now()})
    assert list(OidcGrant.objects.filter(code_used_at__isnull=False)) == []


def test_a_refresh_needs_the_current_refresh_token_of_a_refreshable_grant() -> None:
    app, _ = make_app()
    grant = insert_grant(_grant(app.pk))
    later = timezone.now() + dt.timedelta(days=1)
    OidcGrant.objects.filter(pk=grant.pk).update(refresh_hash="r1", refresh_expires_at=later)

    assert not refresh_tokens(grant.pk, "r0", {"refresh_hash": "r3"})
    assert OidcGrant.objects.get(pk=grant.pk).refresh_hash == "r1"
    assert refresh_tokens(grant.pk, "r1", {"refresh_hash": "r2", "released": {"sub": "new"}})
    stored = OidcGrant.objects.get(pk=grant.pk)
    assert (stored.refresh_hash, stored.released) == ("r2", {"sub": "new"})
    OidcGrant.objects.filter(pk=grant.pk).update(refresh_expires_at=timezone.now())
    assert not refresh_tokens(grant.pk, "r2", {"refresh_hash": "r4"})
    assert OidcGrant.objects.get(pk=grant.pk).refresh_hash == "r2"


def test_the_code_and_access_token_look_ups_read_only_what_their_endpoints_use(
    django_assert_num_queries: Any,
) -> None:
    app, _ = make_app()
    grant = _grant(app.pk)
    later = timezone.now() + dt.timedelta(minutes=1)
    grant.code_expires_at, grant.access_expires_at, grant.access_hash = later, later, "a" * 64
    insert_grant(grant)
    every = {field.attname for field in OidcGrant._meta.concrete_fields}

    with django_assert_num_queries(2):
        code = redeemable_grant("h" * 16, app.pk)
        access = access_valid_grant("h" * 16)
    assert code is not None
    assert access is not None
    assert every - code.get_deferred_fields() == {"id", "app_id", *(f for f in CODE_FIELDS if f != "app")}
    assert every - access.get_deferred_fields() == {"id", *ACCESS_FIELDS}
    assert (code.principal, code.code_hash, code.scope) == (grant.principal, grant.code_hash, grant.scope)
    assert (access.access_hash, access.released) == ("a" * 64, grant.released)
    with django_assert_num_queries(1):  # any other field: loaded when first read
        assert access.access_expires_at == later
