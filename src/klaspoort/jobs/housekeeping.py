"""Housekeeping: remove what nobody can use any more or may keep no longer. Each function returns
counts for its JobRun.

Expired sessions, one-time tokens past their expiry, and OpenID Connect grants whose last token
expired (or that were revoked) more than `GRANT_GRACE` ago: a grace of one longest staff session,
so back-channel logout still finds the grants of a session that is alive. Roster uploads that were
previewed and never confirmed (`PreparedImport`, their import records) once `PREPARED_TTL` is over:
after that only the run with the file's hash is left. Expired entries of the database cache
(embedded mode; Redis expires its own): its writes never cull (core/cache.py), so they go here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q

from klaspoort.accounts.models import AccountSession, OneTimeToken, OutgoingMail
from klaspoort.audit.models import AuditEvent
from klaspoort.core import clock
from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc.keys import do_rotate_keys
from klaspoort.federation.oidc.models import OidcGrant, SigningKey
from klaspoort.jobs.models import JobRun
from klaspoort.laslink.models import PushedFile
from klaspoort.laslink.tokens import purge_expired_tokens
from klaspoort.roster.models import ImportRun, PreparedImport
from klaspoort.schooladmin.roster_actions import PREPARED_TTL


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
    las_tokens = purge_expired_tokens(moment)
    previews, _ = PreparedImport.objects.filter(created_at__lt=moment - PREPARED_TTL).delete()
    return {
        "cache": purge_cache(),
        "sessions": sessions,
        "tokens": tokens,
        "grants": grants,
        "las_tokens": las_tokens,
        "previews": previews,
    }


def purge_cache() -> int:
    """The expired entries of the database cache (0 on Redis, which removes them itself). By the
    database's clock of now: the cache writes its expiries from the real time, never `clock`."""
    delete_expired = getattr(caches["default"], "delete_expired", None)
    return int(delete_expired()) if delete_expired is not None else 0


def rotate_signing_keys(now: dt.datetime | None = None) -> dict[str, int]:
    """A new pair of OpenID Connect signing keys once the newest is `SIGNING_KEY_ROTATION_DAYS` old
    (run daily; rotating only when due makes a second run the same day do nothing)."""
    moment = now or clock.now()
    newest = SigningKey.objects.order_by("-signs_from").values_list("signs_from", flat=True).first()
    if newest is not None and moment - newest < dt.timedelta(days=settings.SIGNING_KEY_ROTATION_DAYS):
        return {"rotated": 0}
    return {"rotated": len(do_rotate_keys(actor="job:rotate-signing-keys"))}


def _older_than(days: int, moment: dt.datetime) -> dt.datetime:
    return moment - dt.timedelta(days=days)


def apply_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is older than its retention period (settings `RETENTION_DAYS`; reasons in
    docs/operations.md). Append-only histories are removed only here, a whole period at a time."""
    moment = now or clock.now()
    days = settings.RETENTION_DAYS
    # QuerySet.delete(): the append-only models refuse a single row's delete(), not the retention.
    audit, _ = AuditEvent.objects.filter(created_at__lt=_older_than(days["audit"], moment)).delete()
    disclosures, _ = Disclosure.objects.filter(
        created_at__lt=_older_than(days["disclosures"], moment)
    ).delete()
    imports, _ = ImportRun.objects.filter(started_at__lt=_older_than(days["imports"], moment)).delete()
    mails, _ = (
        OutgoingMail.objects.exclude(status=OutgoingMail.Status.PENDING)
        .filter(created_at__lt=_older_than(days["mails"], moment))
        .delete()
    )
    jobs, _ = JobRun.objects.filter(started_at__lt=_older_than(days["jobs"], moment)).delete()
    # Pushed LAS files (only their hash is left once run) go with the import runs; queued ones stay.
    pushes, _ = PushedFile.objects.filter(
        status=PushedFile.Status.DONE, received_at__lt=_older_than(days["imports"], moment)
    ).delete()
    return {"audit": audit, "disclosures": disclosures, "imports": imports, "mails": mails, "jobs": jobs,
            "pushes": pushes}  # fmt: skip
