"""Background jobs on a real Celery worker process (Redis broker), in eager mode, and refusals."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from celery.result import EagerResult
from django.core.cache import cache

from klaspoort.accounts.models import Account, AccountSession, OneTimeToken
from klaspoort.core import clock
from klaspoort.jobs import tasks
from klaspoort.jobs.models import JobRun
from tests.jobs.conftest import ROOT, WorkerProcess, worker_env


def _sessions_and_tokens() -> Account:
    """Two expired sessions, an expired one-time token and an expired cache entry; one of each live."""
    cache.clear()  # the cache table is not emptied between tests
    cache.set("job-test:expired", 1, 0)  # timeout 0: expired at once
    cache.set("job-test:live", 2, 600)
    account = Account.objects.create_user("juf@school.example", "x" * 12)
    now = clock.now()
    for key, delta in (("old1", -60), ("old2", -1), ("live", 3600)):
        AccountSession.objects.create(
            session_key=key, session_data="", expire_date=now + dt.timedelta(seconds=delta), account=account
        )
    OneTimeToken.objects.create(
        account=account, purpose="activation", token_hash="a" * 64, email=account.email,
        created_at=now - dt.timedelta(days=15), expires_at=now - dt.timedelta(days=1),
    )  # fmt: skip
    OneTimeToken.objects.create(
        account=account, purpose="password_reset", token_hash="b" * 64, email=account.email,
        created_at=now, expires_at=now + dt.timedelta(days=14),
    )  # fmt: skip
    return account


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_queued_job(celery_worker: WorkerProcess) -> None:
    _sessions_and_tokens()
    result = tasks.purge_expired.delay()
    assert not isinstance(result, EagerResult)
    run = JobRun.objects.get(pk=result.get(timeout=60))
    assert (run.job, run.outcome) == ("purge-expired", JobRun.Outcome.OK)
    assert run.summary == {
        "cache": 1, "sessions": 2, "tokens": 1, "grants": 0, "las_tokens": 0, "previews": 0
    }  # fmt: skip
    assert cache.get_many(["job-test:expired", "job-test:live"]) == {"job-test:live": 2}
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(OneTimeToken.objects.values_list("purpose", flat=True)) == ["password_reset"]
    assert "klaspoort.jobs.tasks.purge_expired" in celery_worker.output()


@pytest.mark.django_db
def test_without_a_broker_jobs_run_at_once_in_process() -> None:
    _sessions_and_tokens()
    result = tasks.purge_expired.delay()
    assert isinstance(result, EagerResult)
    assert JobRun.objects.get(pk=result.get()).summary == {
        "cache": 1,
        "sessions": 2,
        "tokens": 1,
        "grants": 0,
        "las_tokens": 0,
        "previews": 0,
    }
    assert AccountSession.objects.count() == 1


def test_a_worker_refuses_to_start_half_configured(tmp_path: object) -> None:
    env = worker_env("kptest-refused", "", "")
    for name in ("KLASPOORT_DEV", "KLASPOORT_DEBUG", "KLASPOORT_BROKER_URL", "KLASPOORT_RESULT_BACKEND"):
        env.pop(name, None)
    env["DATABASE_URL"] = "sqlite:///:memory:"
    process = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "klaspoort", "worker", "--pool", "solo"],
        env=env, cwd=ROOT, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    output = (process.stdout + process.stderr).decode()
    assert process.returncode != 0
    assert "not starting, the configuration is incomplete" in output
    assert "jobs.E001" in output
    assert "ready." not in output


@pytest.mark.django_db
def test_run_job_runs_a_scheduled_job_and_job_runs_shows_its_last_run() -> None:
    from io import StringIO

    from django.core.management import call_command

    _sessions_and_tokens()
    out = StringIO()
    call_command("run_job", "purge-expired", stdout=out)
    run = JobRun.objects.get()
    assert out.getvalue() == f"purge-expired: {run.pk}\n"
    call_command("run_job", "purge-expired", stdout=StringIO())
    listing = StringIO()
    call_command("job_runs", stdout=listing)
    lines = listing.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("purge-expired ")
    assert lines[0].endswith("ok       cache=0 grants=0 las_tokens=0 previews=0 sessions=0 tokens=0")
