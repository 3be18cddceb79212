"""Which OidcGrants still count (OidcGrant.objects.unrevoked / redeemable / access_valid / refreshable),
at a moment given as a parameter."""

from __future__ import annotations

import datetime as dt

import pytest

from klaspoort.federation.oidc.models import OidcGrant
from tests.federation.factories import GRANT_MOMENT, make_app, unsaved_grant

pytestmark = pytest.mark.django_db
MOMENT = GRANT_MOMENT
MINUTE = dt.timedelta(minutes=1)


def _grant(app_id: int, handle: str, **values: object) -> OidcGrant:
    grant = unsaved_grant(app_id, handle, **values)
    grant.save()
    return grant


def _handles(grants: object) -> set[str]:
    return {grant.handle for grant in grants}  # type: ignore[attr-defined]


def test_codes_are_redeemable_until_used_revoked_or_expired() -> None:
    app, _ = make_app()
    _grant(app.pk, "fresh")
    _grant(app.pk, "used", code_used_at=MOMENT)
    _grant(app.pk, "revoked", revoked_at=MOMENT, revoke_reason="logout")

    assert _handles(OidcGrant.objects.redeemable(MOMENT)) == {"fresh"}
    assert _handles(OidcGrant.objects.redeemable(MOMENT + MINUTE)) == set()
    assert _handles(OidcGrant.objects.unrevoked()) == {"fresh", "used"}


def test_tokens_count_until_revoked_or_expired() -> None:
    app, _ = make_app()
    later = MOMENT + 10 * MINUTE
    _grant(app.pk, "live", code_used_at=MOMENT, access_expires_at=later, refresh_expires_at=later + MINUTE)
    _grant(
        app.pk,
        "ended",
        code_used_at=MOMENT,
        access_expires_at=later,
        refresh_expires_at=later,
        revoked_at=MOMENT,
        revoke_reason="logout",
    )
    _grant(app.pk, "no-tokens")

    assert _handles(OidcGrant.objects.access_valid(MOMENT)) == {"live"}
    assert _handles(OidcGrant.objects.access_valid(later)) == set()
    assert _handles(OidcGrant.objects.refreshable(later)) == {"live"}
    assert _handles(OidcGrant.objects.refreshable(later + MINUTE)) == set()
