"""A real Celery worker process for tests, on the test Redis and the test database.

    celery_worker            a worker (prefork, 1 process) started for the test session's database;
                             the test process queues to it (not eager). Tests that use it need
                             `transactional_db`, so the worker sees what the test wrote.
    start_worker(**env)      another worker process (e.g. to kill it); stopped after the test

Broker and result store: KLASPOORT_TEST_BROKER_URL / KLASPOORT_TEST_RESULT_URL, default the test Redis
(KLASPOORT_TEST_REDIS_URL). Every test session uses a queue of its own, so parallel runs on one Redis
never take each other's tasks. Without Redis the tests skip (under CI=true they fail).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def _redis_ok(url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(url, socket_timeout=1) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def broker_urls() -> tuple[str, str]:
    default = os.environ.get("KLASPOORT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    broker = os.environ.get("KLASPOORT_TEST_BROKER_URL", default)
    results = os.environ.get("KLASPOORT_TEST_RESULT_URL", broker)
    require_service(
        _redis_ok(broker) and _redis_ok(results),
        f"Redis not reachable at {broker} / {results} (set KLASPOORT_TEST_BROKER_URL)",
    )
    return broker, results


def database_url() -> str:
    """The URL of the test database this process uses (the worker must use the same)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """kill -9 of the whole process group (the main process and its pool children)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(queue: str, broker: str, results: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klaspoort.settings",
        "KLASPOORT_DEV": "1",
        "DATABASE_URL": database_url(),
        "KLASPOORT_BROKER_URL": broker,
        "KLASPOORT_RESULT_BACKEND": results,
        "KLASPOORT_CELERY_QUEUE": queue,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def launch_worker(env: dict[str, str], log: Path, *, concurrency: int = 1) -> WorkerProcess:
    name = f"kptest-{uuid.uuid4().hex[:8]}"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "klaspoort", "worker", "--pool", "prefork",
             "--concurrency", str(concurrency), "--queues", env["KLASPOORT_CELERY_QUEUE"],
             "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
    return WorkerProcess(name, process, log, env)


def wait_ready(worker: WorkerProcess, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "ready." in worker.output():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the Celery worker stopped (exit {worker.process.returncode}):\n{worker.output()}")
        time.sleep(0.1)
    worker.stop()
    pytest.fail(f"the Celery worker did not get ready in {timeout} s:\n{worker.output()}")


@pytest.fixture(scope="session")
def worker_queue() -> str:
    return f"kptest-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def _queue_to_redis(broker_urls: tuple[str, str], worker_queue: str) -> Iterator[None]:
    """The test process's Celery app sends to the test Redis instead of running tasks eagerly."""
    from klaspoort.celery import app

    broker, results = broker_urls
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    }
    app.conf.update(
        broker_url=broker, result_backend=results, task_always_eager=False, task_default_queue=worker_queue
    )
    _forget_connections(app)
    yield
    app.conf.update(saved)
    _forget_connections(app)


def _forget_connections(app: Celery) -> None:
    """Pools and the result backend were made for the old configuration. kombu keeps connection
    pools in a global registry per broker URL: reset it, or a closed pool would be handed out again."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture(scope="session")
def session_worker(
    django_db_setup: None,
    django_db_blocker: object,
    broker_urls: tuple[str, str],
    worker_queue: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WorkerProcess]:
    broker, results = broker_urls
    worker = launch_worker(
        worker_env(worker_queue, broker, results), tmp_path_factory.mktemp("worker") / "worker.log"
    )
    wait_ready(worker)
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(
    session_worker: WorkerProcess, _queue_to_redis: None, transactional_db: None
) -> WorkerProcess:
    if session_worker.process.poll() is not None:
        pytest.fail(f"the Celery worker has stopped:\n{session_worker.output()}")
    return session_worker


@pytest.fixture
def start_worker(
    broker_urls: tuple[str, str], _queue_to_redis: None, tmp_path: Path, worker_queue: str
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start extra workers (e.g. one to kill -9); each is stopped after the test."""
    started: list[WorkerProcess] = []

    def start(
        *, queue: str | None = None, wait: bool = True, concurrency: int = 1, **extra: str
    ) -> WorkerProcess:
        broker, results = broker_urls
        env = worker_env(queue or worker_queue, broker, results, **extra)
        worker = launch_worker(env, tmp_path / f"worker-{len(started)}.log", concurrency=concurrency)
        started.append(worker)
        if wait:
            wait_ready(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
