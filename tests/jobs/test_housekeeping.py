"""Housekeeping jobs: retention and signing-key rotation (run in process; the worker is tested apart)."""

from __future__ import annotations

import datetime as dt
import uuid
from unittest import mock

import pytest

from klaspoort.accounts.models import OutgoingMail
from klaspoort.audit.events import record_event
from klaspoort.audit.models import AuditEvent
from klaspoort.core import clock
from klaspoort.federation.models import Disclosure, Partner
from klaspoort.federation.oidc.models import SigningKey
from klaspoort.jobs import housekeeping
from klaspoort.jobs.models import JobRun
from klaspoort.laslink.actions import do_register_vendor
from klaspoort.laslink.models import LasLink, PushedFile
from klaspoort.roster.models import ImportRun, PreparedImport
from tests.roster import factories

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def _ages(days_old: list[int]) -> None:
    """One row of every kept history per age in `days_old`."""
    now = clock.now()
    school = factories.school()
    partner = Partner.objects.create(slug="uitgever", kind=Partner.Kind.PUBLISHER, name="U", sector_id="s")
    for age in days_old:
        moment = now - age * DAY
        # Audit rows are append-only (a database trigger refuses UPDATE): write them at that moment.
        with mock.patch("django.utils.timezone.now", return_value=moment):
            record_event("test.event", subject=f"age:{age}")
        Disclosure.objects.create(
            created_at=moment, partner=partner, person=uuid.uuid4(), person_kind="pupil",
            school_ref=school.instelling_ref, fields=["name"], purpose=Disclosure.Purpose.OIDC,
        )  # fmt: skip
        ImportRun.objects.create(
            school=school, source=ImportRun.Source.UPLOAD, status=ImportRun.Status.APPLIED,
            file_sha256="0" * 64, started_at=moment,
        )  # fmt: skip
        for status in OutgoingMail.Status.values:
            OutgoingMail.objects.create(
                created_at=moment, to="a@x.example", from_email="k@x.example", subject="s",
                status=status, next_attempt_at=moment,
            )  # fmt: skip
        JobRun.objects.create(job="purge-expired", started_at=moment, outcome=JobRun.Outcome.OK)


def test_retention_removes_what_is_older_than_its_period_and_keeps_the_rest(settings) -> None:
    settings.RETENTION_DAYS = {"audit": 730, "disclosures": 365, "imports": 400, "mails": 30, "jobs": 90}
    _ages([10, 60, 200, 380, 500, 800])
    summary = housekeeping.apply_retention()
    assert summary == {"audit": 1, "disclosures": 3, "imports": 2, "mails": 10, "jobs": 4, "pushes": 0}
    now = clock.now()
    assert sorted((now - e.created_at).days for e in AuditEvent.objects.filter(action="test.event")) == [
        10,
        60,
        200,
        380,
        500,
    ]
    assert sorted((now - d.created_at).days for d in Disclosure.objects.all()) == [10, 60, 200]
    assert sorted((now - r.started_at).days for r in ImportRun.objects.all()) == [10, 60, 200, 380]
    # Pending mails stay, whatever their age; sent and failed ones go after 30 days.
    assert sorted(
        ((now - m.created_at).days, m.status) for m in OutgoingMail.objects.exclude(status="pending")
    ) == [(10, "failed"), (10, "sent")]
    assert OutgoingMail.objects.waiting().count() == 6
    assert sorted((now - r.started_at).days for r in JobRun.objects.all()) == [10, 60]
    assert housekeeping.apply_retention() == {
        "audit": 0,
        "disclosures": 0,
        "imports": 0,
        "mails": 0,
        "jobs": 0,
        "pushes": 0,
    }


def test_pushed_las_files_go_with_the_import_runs_once_run(settings) -> None:
    settings.RETENTION_DAYS = {"audit": 730, "disclosures": 365, "imports": 400, "mails": 30, "jobs": 90}
    vendor, _secret = do_register_vendor("las-r", "LAS R")
    link = LasLink.objects.create(school=factories.school(), vendor=vendor)
    now = clock.now()
    for age, status in ((10, "done"), (500, "done"), (500, "queued")):
        PushedFile.objects.create(
            link=link, sha256="0" * 64, status=status, received_at=now - age * DAY, queued_at=now - age * DAY
        )
    assert housekeeping.apply_retention()["pushes"] == 1
    assert sorted(PushedFile.objects.values_list("status", flat=True)) == ["done", "queued"]


def test_a_preview_never_confirmed_is_gone_after_its_hour_and_only_the_runs_hash_is_left() -> None:
    school = factories.school()
    now = clock.now()
    for minutes in (59, 61):
        run = ImportRun.objects.create(
            school=school, source=ImportRun.Source.UPLOAD, status=ImportRun.Status.DRY_RUN,
            file_sha256=f"{minutes}".ljust(64, "0"), started_at=now - minutes * MINUTE,
        )  # fmt: skip
        PreparedImport.objects.create(
            school=school, run=run, records=b"<EDEX/>", source=run.source, file_name="EDEX.XML",
            upload_sha256=run.file_sha256, actor="staff:x", created_at=now - minutes * MINUTE,
        )  # fmt: skip

    assert housekeeping.purge_expired()["previews"] == 1

    assert list(PreparedImport.objects.values_list("upload_sha256", flat=True)) == ["59".ljust(64, "0")]
    assert sorted(ImportRun.objects.values_list("file_sha256", flat=True)) == [
        "59".ljust(64, "0"),
        "61".ljust(64, "0"),
    ]


def test_signing_keys_rotate_only_when_the_newest_is_old_enough(settings) -> None:
    settings.SIGNING_KEY_ROTATION_DAYS = 90
    assert housekeeping.rotate_signing_keys() == {"rotated": 2}  # none yet: ES256 and RS256
    kids = set(SigningKey.objects.values_list("kid", flat=True))
    assert housekeeping.rotate_signing_keys() == {"rotated": 0}
    assert set(SigningKey.objects.values_list("kid", flat=True)) == kids
    later = clock.now() + 91 * DAY
    assert housekeeping.rotate_signing_keys(now=later) == {"rotated": 2}
    assert SigningKey.objects.count() == 4
    assert SigningKey.objects.filter(kid__in=kids, retired_at__isnull=False).count() == 2
