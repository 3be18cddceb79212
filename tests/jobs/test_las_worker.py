"""The LAS sync on real worker processes: kill -9 of a worker half-way loses nothing and leaves
nothing half-applied; the run is queued again and the roster ends as one run would leave it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.test import Client

from klaspoort.core import clock
from klaspoort.laslink.actions import do_set_las_consent, do_switch_link
from klaspoort.laslink.models import LasLink, PushedFile
from klaspoort.laslink.sync import REQUEUE_AFTER
from klaspoort.laslink.tasks import queue_due_syncs
from klaspoort.roster.models import ImportRun, Pupil, StaffPlacement
from tests.jobs.conftest import WorkerProcess
from tests.laslink.conftest import DemoLas, Vendor, coordinators, las_server, schools, vendor_a

__all__ = ["coordinators", "las_server", "schools", "vendor_a"]  # fixtures used below


def _wait(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_during_a_sync_loses_nothing_and_applies_nothing_half(
    transactional_db: None,
    start_worker: Callable[..., WorkerProcess],
    vendor_a: Vendor,
    coordinators: list[StaffPlacement],
    las_server: tuple[DemoLas, str],
) -> None:
    las, _ = las_server
    school = coordinators[0].school
    las.slow_seconds = 30.0
    las.modes[school.code] = "slow"
    do_switch_link(coordinators[0], vendor_a.vendor, True, actor="staff:test")
    link = do_set_las_consent(vendor_a.vendor, school, True)
    first = start_worker()
    assert queue_due_syncs() == 1
    _wait(lambda: las.pulls == 1, "the worker to be inside the pull")
    first.kill()
    assert ImportRun.objects.count() == 0
    assert Pupil.objects.filter(school=school).count() == 0
    link.refresh_from_db()
    assert link.queued_at is not None
    assert link.last_run_at is None
    # Nothing picks it up again before REQUEUE_AFTER; after that the tick queues it once more.
    las.modes[school.code] = "ok"
    assert queue_due_syncs() == 0
    LasLink.objects.filter(pk=link.pk).update(queued_at=clock.now() - REQUEUE_AFTER - dt.timedelta(seconds=1))
    start_worker()
    assert queue_due_syncs() == 1
    _wait(lambda: LasLink.objects.get(pk=link.pk).last_outcome == LasLink.Outcome.OK, "the sync to run again")
    assert list(ImportRun.objects.values_list("source", "status")) == [("automatic", "applied")]
    assert Pupil.objects.filter(school=school, active=True).count() == 40


def test_a_pushed_file_is_imported_by_a_real_worker_and_polled(
    client: Client,
    celery_worker: WorkerProcess,
    vendor_a: Vendor,
    coordinators: list[StaffPlacement],
    las_server: tuple[DemoLas, str],
) -> None:
    las, _ = las_server
    school = coordinators[0].school
    do_switch_link(coordinators[0], vendor_a.vendor, True, actor="staff:test")
    do_set_las_consent(vendor_a.vendor, school, True)
    LasLink.objects.update(next_run_at=clock.now() + dt.timedelta(hours=1))  # no pull meanwhile
    response = client.post(f"/las/v1/schools/{school.code}/edexml", las.exports[school.code],
                           content_type="application/xml", **vendor_a.auth())  # fmt: skip
    assert response.status_code == 202
    poll = response["Location"]

    def done() -> bool:
        return bool(client.get(poll, **vendor_a.auth()).json()["status"] == "done")

    _wait(done, "the worker to import the pushed file")
    polled = client.get(poll, **vendor_a.auth()).json()
    assert (polled["import_status"], polled["outcome"], polled["counts"]["pupils"]["added"]) == (
        "applied",
        "ok",
        40,
    )
    assert list(ImportRun.objects.values_list("source", "status")) == [("automatic", "applied")]
    assert las.pulls == 0
    assert bytes(PushedFile.objects.get().data) == b""
