"""The national night (prints, never asserts): `make bench-sync`.

A demo LAS (examples/demo_las) on loopback serves EDEXML for N schools x P pupils; every school is
linked (both sides consent) and real Celery workers (`celery -A klaspoort worker`, prefork, one
process per core) pull and import through the platform's one import action. Two nights are timed
end to end, from queuing (`queue_due_syncs`) until every link has run: the first sync (every pupil
new), a night with 2 % of the pupils changed (moved to another group where their year has one, else
renamed: `DemoLas.change`) and a night with no change at all (the file of the last import again:
recorded without being planned). Then the 2 % night again for the first 100 schools only, to show
whether the cost per school stays flat from 100 to N. Queries per school are counted in this process
for one school's sync (first, 2 %, unchanged). The machine is shared, so beside the wall time the
CPU time the worker processes used per school is printed (from /proc: independent of what else
runs), and `uptime` before and after.

    python benchmarks/sync_bench.py [--schools 500] [--pupils 200] [--workers 2]

Needs PostgreSQL (a fresh database klaspoort_sync_bench, dropped afterwards) and Redis
(BENCH_BROKER_URL, default redis://127.0.0.1:6379/9; also the shared cache that holds the vendors'
concurrency slots, as in production). Target: the 2 % night of 8,000 schools in
10 minutes on 2 cores (≥ 14 schools per second).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = "postgres://klaspoort:klaspoort@127.0.0.1:5432/postgres"
DB_NAME = "klaspoort_sync_bench"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def _recreate_database() -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DB_NAME}")
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _session_cpu(session: int) -> float:
    """CPU seconds (user + system) used so far by the processes of `session` (the worker's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:  # fields after the name: state ppid pgrp session ...
            total += int(fields[11]) + int(fields[12])  # utime stime
    return total / ticks


def _night(ids: list[int], timeout: float = 3600) -> float:
    """Queue the given links now and wait until each has run; returns the wall time."""
    from klaspoort.core import clock
    from klaspoort.laslink.models import LasLink
    from klaspoort.laslink.tasks import queue_due_syncs

    moment = clock.now()
    LasLink.objects.filter(id__in=ids).update(next_run_at=moment, queued_at=None)
    started = time.perf_counter()
    queued = queue_due_syncs()
    assert queued == len(ids), (queued, len(ids))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = LasLink.objects.filter(id__in=ids, last_run_at__gte=moment).count()
        if done == len(ids):
            return time.perf_counter() - started
        time.sleep(0.2)
    raise SystemExit(f"timed out: {done} of {len(ids)} schools ran")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--pupils", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    database_url = _recreate_database()
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
    queue = f"bench-sync-{uuid.uuid4().hex[:8]}"
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "klaspoort.settings", "KLASPOORT_DEV": "1", "DATABASE_URL": database_url,
        "KLASPOORT_BROKER_URL": broker, "KLASPOORT_CELERY_QUEUE": queue, "KLASPOORT_LOG_LEVEL": "WARNING",
    })  # fmt: skip
    os.environ["REDIS_URL"] = broker  # the cache: vendor slots (sessions are not used here)
    os.environ["KLASPOORT_CACHE_PREFIX"] = queue
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    sys.path.insert(0, str(ROOT / "examples" / "demo_las"))
    from app import DemoLas

    from klaspoort.laslink.actions import do_register_vendor
    from klaspoort.laslink.credentials import pull_key
    from klaspoort.laslink.models import LasLink
    from klaspoort.laslink.sync import run_sync
    from klaspoort.registry.actions import do_register_school

    print(f"sync bench: {args.schools} schools x {args.pupils} pupils, {args.workers} worker processes")
    print(f"load before: {_uptime()}", flush=True)
    las = DemoLas(pupils=args.pupils)
    codes = [f"{10 + index % 90:02d}{chr(65 + index // 90 % 26)}{chr(65 + index // 2340 % 26)}00"
             for index in range(args.schools)]  # fmt: skip
    for code in codes:
        las.add_school(code)
    server = make_server("127.0.0.1", 0, las, server_class=_Server, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    vendor, _secret = do_register_vendor(
        "bench-las", "Bench LAS", pull_url=f"http://127.0.0.1:{server.server_address[1]}/edexml/{{school}}",
        max_concurrency=args.workers * 2,
    )  # fmt: skip
    las.pull_key = pull_key(vendor)
    schools = [do_register_school(code, name=f"School {code}") for code in codes]
    LasLink.objects.bulk_create(
        LasLink(school=school, vendor=vendor, las_enabled=True, school_enabled=True) for school in schools
    )
    ids = list(LasLink.objects.order_by("id").values_list("id", flat=True))

    # Queries per school, in this process (one school, not part of the timed nights).
    with CaptureQueriesContext(connection) as first_queries:
        assert run_sync(ids[0]) == "ok"
    las.change(codes[0], max(1, args.pupils * 2 // 100))
    with CaptureQueriesContext(connection) as changed_queries:
        assert run_sync(ids[0]) == "ok"
    with CaptureQueriesContext(connection) as unchanged_queries:
        assert run_sync(ids[0]) == "ok"

    env = {**os.environ}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "klaspoort", "worker", "--pool", "prefork", "--concurrency",
         str(args.workers), "--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    cpu: dict[str, float] = {}

    def timed(name: str, links: list[int]) -> float:
        before = _session_cpu(worker.pid)
        wall = _night(links)
        cpu[name] = (_session_cpu(worker.pid) - before) / len(links)
        return wall

    try:
        time.sleep(5)
        first = timed("first", ids)
        for code in codes:
            las.change(code, max(1, args.pupils * 2 // 100))
        night = timed("2 %", ids)
        quiet = timed("unchanged", ids)
        small = ids[:100]
        for code in codes[:100]:
            las.change(code, max(1, args.pupils * 2 // 100))
        small_night = timed("2 %, 100", small)
    finally:
        worker.terminate()
        worker.wait(30)
        server.shutdown()
    from klaspoort.roster.models import ImportRun

    failed = ImportRun.objects.exclude(status="applied").count()
    n, cores = len(ids), args.workers
    rate, small_rate = n / night, len(small) / small_night
    print(f"first sync:     {n} schools in {first:7.1f} s = {n / first:6.2f} schools/s, "
          f"{60 * n / first / cores:7.1f} schools/min per worker core")  # fmt: skip
    print(f"2 % night:      {n} schools in {night:7.1f} s = {rate:6.2f} schools/s, "
          f"{60 * rate / cores:7.1f} schools/min per worker core")  # fmt: skip
    print(f"unchanged:      {n} schools in {quiet:7.1f} s = {n / quiet:6.2f} schools/s, "
          f"{60 * n / quiet / cores:7.1f} schools/min per worker core")  # fmt: skip
    print(f"2 % night, 100: {len(small)} schools in {small_night:7.1f} s = {small_rate:6.2f} schools/s "
          f"(cost per school {small_night / len(small) * 1000:.0f} ms vs {night / n * 1000:.0f} ms at {n}: "
          f"ratio {(night / n) / (small_night / len(small)):.2f})")  # fmt: skip
    print(f"queries per school: first sync {len(first_queries)}, 2 % night {len(changed_queries)}, "
          f"unchanged {len(unchanged_queries)}")  # fmt: skip
    print("worker CPU per school: " + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in cpu.items())
          + f" (so {1 / cpu['2 %']:.1f} schools/s per worker core on the 2 % night, "
          f"{cores / cpu['2 %']:.1f} schools/s on {cores} idle cores, without the database's own CPU)")  # fmt: skip
    print(f"8,000 schools, 2 % night: {8000 / rate / 60:.1f} min on {cores} cores "
          f"(target ≤ 10 min, ≥ 14 schools/s: {'met' if rate >= 14 else 'not met'})")  # fmt: skip
    print(f"runs not applied: {failed}")
    print(f"load after: {_uptime()}", flush=True)
    connection.close()
    _drop_database()


if __name__ == "__main__":
    main()
