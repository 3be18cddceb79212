"""Housekeeping: remove what nobody can use any more. Each function returns counts for its JobRun.

Expired sessions, one-time tokens past their expiry, and OpenID Connect grants whose last token
expired (or that were revoked) more than `GRANT_GRACE` ago: a grace of one longest staff session,
so back-channel logout still finds the grants of a session that is alive.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q

from klaspoort.accounts.models import AccountSession, OneTimeToken
from klaspoort.core import clock
from klaspoort.federation.oidc.models import OidcGrant


def grant_grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.STAFF_SESSION_MAX_AGE)


def purge_expired(now: dt.datetime | None = None) -> dict[str, int]:
    moment = now or clock.now()
    sessions, _ = AccountSession.objects.filter(expire_date__lte=moment).delete()
    tokens, _ = OneTimeToken.objects.filter(expires_at__lte=moment).delete()
    before = moment - grant_grace()
    dead = (
        Q(revoked_at__lte=before)
        | Q(refresh_expires_at__lte=before)
        | Q(refresh_expires_at__isnull=True, access_expires_at__lte=before)
        | Q(refresh_expires_at__isnull=True, access_expires_at__isnull=True, code_expires_at__lte=before)
    )
    grants, _ = OidcGrant.objects.filter(dead).delete()
    return {"sessions": sessions, "tokens": tokens, "grants": grants}
