# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""Staff login throughput (prints figures, never asserts): `make bench-login`.

Whole stack, real HTTP: the production server (granian; BENCH_SERVER=gunicorn to compare) on a free
loopback port; each login GETs /login/
(CSRF cookie and token) and POSTs email + password, which passes the throttle, Argon2id, the
placements, the session and the audit event. Every login is a different teacher, so no login waits
on another's counters, and starts as a new browser (no cookies). Each client thread keeps its
connection to the server open, as the reverse proxy in front of the workers does in production
(docs/operations.md); a new TCP connection per login would measure the kernel's handshake, which
the proxy pays, not klaspoort. Two runs: one worker with one client at a time, then BENCH_WORKERS workers
(default one per core) with BENCH_CLIENTS client threads. Each is compared with raw Argon2id
verifications (same parameters, as many processes at once as the run had workers), both per second
of CPU time, so other load on the machine counts less; the ratio is the share of the server's CPU
that goes into the password hash. Also printed: the SQL queries of one login (Django test client,
CaptureQueriesContext).

Uses a throw-away test database: SQLite by default, PostgreSQL when DATABASE_URL points at one
(a separate `test_…` database is created and dropped). Targets: ratio ≥ 0.8, ≤ 6 queries per login.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
os.environ.setdefault("KLASPOORT_DEV", "1")

import django

django.setup()

import httpx
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from klaspoort.accounts.models import Account
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import StaffMember, StaffPlacement
from serving import database_url, drain, free_port, server_cpu_seconds, server_name, start_server

WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", str(2 * WORKERS)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARM_UP = 30
RUNS = int(os.environ.get("BENCH_LOGIN_RUNS", "2"))  # 1: only the one-worker run (side_by_side.py)
PASSWORD = "Lange zin met 4 woorden"
LOG_FILE = Path(settings.VAR_DIR) / "bench-login.log"  # one log line per login decision, as in production
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def email(number: int) -> str:
    return f"leerkracht{number:05d}@bench.example"


def make_staff(count: int) -> None:
    """`count` active teachers at one school. One Argon2id hash is shared: the cost of verifying
    does not depend on the salt, and hashing thousands of passwords would only slow the set-up."""
    school = do_register_school("12AB02", name="Benchschool")
    encoded = get_hasher("default").encode(PASSWORD, get_hasher("default").salt())
    accounts = Account.objects.bulk_create(
        Account(email=email(n), kind=Account.Kind.STAFF, is_active=True, password=encoded)
        for n in range(count)
    )
    accounts = list(Account.objects.filter(email__endswith="@bench.example").order_by("email"))
    staff = StaffMember.objects.bulk_create(
        StaffMember(email=account.email, first_name="Lee", surname=f"Kracht {n}", account=account)
        for n, account in enumerate(accounts)
    )
    StaffPlacement.objects.bulk_create(
        StaffPlacement(staff=member, school=school, roles=["teacher"], las_key=f"bench-{n}")
        for n, member in enumerate(staff)
    )


def log_in(http: httpx.Client, number: int) -> None:
    http.cookies.clear()  # a new browser: no session, no CSRF cookie
    form = http.get("/login/")
    token = CSRF_FIELD.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"login form: {form.status_code}")
    answer = http.post(
        "/login/", data={"csrfmiddlewaretoken": token.group(1), "email": email(number), "password": PASSWORD}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login refused ({answer.status_code}): {answer.text[:300]}")


def load(base_url: str, numbers: list[int], clients: int) -> tuple[int, float]:
    """Log in as each of `numbers` from `clients` threads, one kept-open connection each; (logins, seconds)."""
    local = threading.local()
    opened: list[httpx.Client] = []

    def one(number: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=base_url, timeout=60)
            opened.append(local.http)
        log_in(local.http, number)

    try:
        return drain(numbers, clients, one)
    finally:
        for http in opened:
            http.close()


@dataclass(frozen=True)
class Run:
    workers: int
    clients: int
    logins: int
    seconds: float
    server_cpu: float

    @property
    def per_core_second(self) -> float:
        return self.logins / self.server_cpu if self.server_cpu else 0.0


def measure(db_url: str, workers: int, clients: int, numbers: list[int]) -> Run:
    """The server with `workers` workers; warm up, then log in as each of `numbers`."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = start_server(db_url, port, workers, log_file=LOG_FILE)
    try:
        load(base_url, numbers[:WARM_UP], clients)  # imports, connections, templates
        cpu_before = server_cpu_seconds(process)
        done, seconds = load(base_url, numbers[WARM_UP:], clients)
        return Run(workers, clients, done, seconds, server_cpu_seconds(process) - cpu_before)
    finally:
        process.terminate()
        process.wait(timeout=10)


def queries_per_login(number: int) -> tuple[int, int, list[str]]:
    """(queries of the GET, queries of the POST, the POST's statements) with Django's test client."""
    client = Client()
    with CaptureQueriesContext(connection) as form:
        client.get("/login/")
    with CaptureQueriesContext(connection) as post:
        response = client.post("/login/", {"email": email(number), "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"login refused in-process: {response.status_code}")
    statements = [query["sql"] for query in post.captured_queries]
    return len(form.captured_queries), len(statements), statements


def _verify_for(seconds: float) -> tuple[int, float]:
    hasher = get_hasher("default")
    encoded = hasher.encode(PASSWORD, hasher.salt())
    rounds = 0
    start = time.thread_time()
    while time.thread_time() - start < seconds:
        hasher.verify(PASSWORD, encoded)
        rounds += 1
    return rounds, time.thread_time() - start


def argon2_verifications_per_core_second(processes: int, seconds: float = 3.0) -> float:
    """Raw verifications per second of CPU time (as the server's figure: the cores are shared),
    with `processes` verifying at once, as many as the server has workers."""
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_verify_for, [seconds] * processes)
    return sum(rounds for rounds, _ in results) / sum(cpu for _, cpu in results)


def main() -> None:
    setup_test_environment()
    engine = "SQLite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "PostgreSQL"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    count = max(100, int(SECONDS * 30))
    try:
        make_staff(2 * (WARM_UP + count) + 1)
        get_queries, post_queries, statements = queries_per_login(2 * (WARM_UP + count))
        connection.close()
        db_url = database_url(name)
        sequential = measure(db_url, 1, 1, list(range(WARM_UP + count)))
        parallel = (
            measure(db_url, WORKERS, CLIENT_THREADS, list(range(WARM_UP + count, 2 * (WARM_UP + count))))
            if RUNS > 1
            else None
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    hasher = get_hasher("default")
    cores = os.cpu_count() or 1
    cache = "Redis" if settings.REDIS_URL else "the database cache"
    print(
        f"Staff login on {engine} with {cache}, {cores} cores; GET /login/ + POST, each a different teacher"
    )
    print(
        f"  Argon2id m={hasher.memory_cost} KiB t={hasher.time_cost} p={hasher.parallelism}"  # type: ignore[attr-defined]
    )
    for run in (sequential, parallel) if parallel else (sequential,):
        argon2_rate = argon2_verifications_per_core_second(run.workers)
        per_core = run.per_core_second
        print(
            f"  {server_name(run.workers)}, {run.clients} client thread(s): {run.logins / run.seconds:6.1f} "
            f"logins/s over HTTP (client on the same cores)"
        )
        print(
            f"    {per_core:6.1f} logins per core-second of server CPU ({1000 / per_core:.1f} ms each) vs "
            f"{argon2_rate:6.1f} raw Argon2 verifications ({1000 / argon2_rate:.1f} ms each, "
            f"{run.workers} at once): ratio {per_core / argon2_rate:.2f} (target ≥ 0.8)"
        )
    print(f"  SQL queries per login: {post_queries} for the POST (target ≤ 6), {get_queries} for the form")
    for statement in statements:
        print(f"    {statement[:150]}")
    print(f"  server log: {LOG_FILE}")


if __name__ == "__main__":
    main()
