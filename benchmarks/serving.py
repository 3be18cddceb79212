"""Helpers shared by the HTTP benchmarks: a throw-away database's URL, gunicorn on a free loopback
port, and the CPU its workers used (so figures can be given per core-second of server CPU)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
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


def database_url(name: str) -> str:
    """The URL of the test database `name` created by Django's test machinery."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(name).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def server_cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU of gunicorn's workers so far (Linux /proc; 0.0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def start_gunicorn(
    db_url: str, port: int, workers: int, log_file: Path | None = None, **env: str
) -> subprocess.Popen[bytes]:
    """gunicorn (sync workers) serving klaspoort on 127.0.0.1:port; returns once /healthz answers.

    With `log_file`, the server's log lines go there instead of this terminal."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    environment = dict(
        os.environ,
        DATABASE_URL=db_url,
        KLASPOORT_BASE_URL=f"http://127.0.0.1:{port}",
        KLASPOORT_DEV="1",
        **env,
    )
    process = subprocess.Popen(
        [gunicorn, "klaspoort.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
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
    raise RuntimeError("gunicorn did not start")


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
