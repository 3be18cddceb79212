"""A Redis outage delays jobs but loses none: a redis-server of this test's own (never the shared
one) is stopped while syncs are queued, then started again; every school's sync still runs once."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from klaspoort.celery import app
from klaspoort.core import clock
from klaspoort.laslink.actions import do_set_las_consent, do_switch_link
from klaspoort.laslink.models import LasLink
from klaspoort.laslink.sync import REQUEUE_AFTER
from klaspoort.laslink.tasks import queue_due_syncs
from klaspoort.roster.models import ImportRun, StaffPlacement
from tests.accounts.test_mail import _free_port
from tests.conftest import require_service
from tests.jobs.conftest import WorkerProcess, _forget_connections
from tests.laslink.conftest import Vendor, coordinators, las_server, schools, vendor_a

__all__ = ["coordinators", "las_server", "schools", "vendor_a"]  # fixtures used below


class OwnRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        path = shutil.which("redis-server")
        assert path is not None
        self.process = subprocess.Popen(
            [path, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with redis.Redis.from_url(self.url, socket_timeout=0.5) as client:
                    if client.ping():
                        return
            except redis.RedisError:
                time.sleep(0.1)
        pytest.fail("own redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    require_service(
        shutil.which("redis-server") is not None, "redis-server not installed (Debian 'redis-server')"
    )
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_own_redis(own_redis: OwnRedis, start_worker: Callable[..., WorkerProcess]) -> Iterator[WorkerProcess]:
    """A worker and this process's Celery app on the test's own Redis."""
    worker = start_worker(KLASPOORT_BROKER_URL=own_redis.url, KLASPOORT_RESULT_BACKEND=own_redis.url)
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend")}
    app.conf.update(broker_url=own_redis.url, result_backend=own_redis.url)
    _forget_connections(app)
    yield worker
    app.conf.update(saved)
    _forget_connections(app)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_syncs_queued_while_redis_is_down_run_once_it_is_back(  # noqa: PLR0917
    transactional_db: None,
    own_redis: OwnRedis,
    on_own_redis: WorkerProcess,
    vendor_a: Vendor,
    coordinators: list[StaffPlacement],
    las_server: Any,
) -> None:
    for placement in coordinators:
        do_switch_link(placement, vendor_a.vendor, True, actor="staff:test")
        do_set_las_consent(vendor_a.vendor, placement.school, True)
    own_redis.stop()
    assert queue_due_syncs() == 3  # marked queued; handing them to the broker failed
    assert ImportRun.objects.count() == 0
    assert LasLink.objects.filter(queued_at__isnull=False).count() == 3
    own_redis.start()
    # The tick queues marked links again once REQUEUE_AFTER has passed (moved back here).
    LasLink.objects.update(queued_at=clock.now() - REQUEUE_AFTER - dt.timedelta(seconds=1))
    assert queue_due_syncs() == 3
    _wait(lambda: LasLink.objects.filter(last_outcome=LasLink.Outcome.OK).count() == 3, "every sync")
    assert sorted(ImportRun.objects.values_list("school__brin", "status")) == [
        ("12AB", "applied"), ("34CD", "applied"), ("56EF", "applied"),
    ]  # fmt: skip
