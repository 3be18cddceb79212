"""Helpers shared by the HTTP benchmarks: a throw-away test database and its URL, the production
server on a free loopback port (`served`: stopped afterwards), and the CPU it used (so figures can
be given per core-second of server CPU).

BENCH_SERVER picks the server: "granian" (the default, as in production: docs/operations.md) or
"gunicorn" (sync workers), for comparison."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import httpx
from django.conf import settings

T = TypeVar("T")
_END = object()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def test_database() -> Iterator[tuple[str, str]]:
    """(engine, name): "SQLite" or "PostgreSQL" and the name of a fresh test database made by
    Django's test machinery (in its test environment), destroyed afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    try:
        setup_test_environment()
        own_environment = True
    except RuntimeError:  # already set up by the benchmark that runs this one
        own_environment = False
    engine = "SQLite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "PostgreSQL"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield engine, name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        if own_environment:
            teardown_test_environment()


def database_url(name: str) -> str:
    """The URL of the test database `name` created by Django's test machinery."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(name).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


SERVER = os.environ.get("BENCH_SERVER", "granian")


def server_cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU of the server so far: the main process, its workers and all their threads
    (Linux /proc; 0.0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0, [str(process.pid)]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (all threads)
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += (task / "children").read_text().split()
        except OSError:
            continue
    return total / ticks


def request_floor(base_url: str, process: subprocess.Popen[bytes], threads: int, count: int = 600) -> float:
    """Server CPU seconds of the cheapest request (/healthz: the middleware, no database), from
    `threads` client threads: the framework's floor under every other figure."""
    cpu_before = server_cpu_seconds(process)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        drain(range(count), threads, lambda _: http.get("/healthz"))  # type: ignore[arg-type]
    return (server_cpu_seconds(process) - cpu_before) / count


def server_name(workers: int) -> str:
    kind = "sync workers" if SERVER == "gunicorn" else "WSGI workers"
    return f"{SERVER} {workers} {kind}"


def _command(port: int, workers: int, app: str = "klaspoort.wsgi:application") -> list[str]:
    def tool(name: str) -> str:
        return shutil.which(name, path=str(Path(sys.executable).parent)) or name

    if SERVER == "gunicorn":
        return [
            tool("gunicorn"),
            app.replace(":application", ""),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
        ]
    if SERVER != "granian":
        raise SystemExit(f"BENCH_SERVER must be granian or gunicorn, not {SERVER!r}")
    return [
        tool("granian"),
        *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
        *("--workers", str(workers), "--blocking-threads", "1", "--no-access-log"),
        app,
    ]


def start_server(
    db_url: str,
    port: int,
    workers: int,
    log_file: Path | None = None,
    app: str = "klaspoort.wsgi:application",
    **env: str,
) -> subprocess.Popen[bytes]:
    """The server (BENCH_SERVER) serving `app` (klaspoort, or a peer's project under peers/) on
    127.0.0.1:port; returns once /healthz answers.

    With `log_file`, the server's log lines go there instead of this terminal. Each server gets a
    cache key prefix of its own, as a new installation would: with REDIS_URL the cache outlives the
    throw-away database, and a later run would otherwise meet this run's throttle counts and SAML
    replay markers (the benchmark's AuthnRequest IDs repeat from run to run)."""
    environment = dict(
        os.environ,
        DATABASE_URL=db_url,
        KLASPOORT_BASE_URL=f"http://127.0.0.1:{port}",
        KLASPOORT_DEV="1",
        KLASPOORT_CACHE_PREFIX=f"bench-{secrets.token_hex(6)}",
        **env,
    )
    process = subprocess.Popen(
        [*_command(port, workers, app), "--log-level", "warning"],
        env=environment,
        stdout=log_file.open("ab") if log_file else None,
        stderr=subprocess.STDOUT if log_file else None,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError(f"{SERVER} did not start")


@contextlib.contextmanager
def served(
    db_url: str,
    port: int,
    workers: int,
    log_file: Path | None = None,
    app: str = "klaspoort.wsgi:application",
    **env: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """`start_server`, and the server stopped afterwards."""
    process = start_server(db_url, port, workers, log_file, app, **env)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def drain(items: Sequence[T], threads: int, handle: Callable[[T], None]) -> tuple[int, float]:
    """Call `handle` on every item from `threads` threads at once; (items handled, seconds)."""
    done = [0]
    lock = threading.Lock()
    cursor = iter(items)

    def worker() -> None:
        while True:
            with lock:
                item = next(cursor, _END)
            if item is _END:
                return
            handle(item)  # type: ignore[arg-type]
            with lock:
                done[0] += 1

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return done[0], time.perf_counter() - start
