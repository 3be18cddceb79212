# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""Pupil login throughput through the whole stack (prints figures, never asserts): `make bench-pupil`.

A complete login is four requests over real HTTP against the production server (granian) on a free
loopback port, each from a fresh browser (no cookies): school shortcut -> group -> pupil -> POST
the PIN (302 to the portal). Reported: complete logins per second, logins per core-second of server CPU, and the
SQL queries of one complete login (counted in-process on the same database). Uses a throw-away
test database: SQLite by default, PostgreSQL when DATABASE_URL points at one.

    BENCH_WORKERS  server workers (default 1: the per-core figure); BENCH_SERVER=gunicorn to compare
    BENCH_CLIENTS  client threads (default 3)
    BENCH_LOGINS   complete logins to time (default 600)

The server's log (one audit line per login) goes to var/bench-pupil-server.log.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
os.environ.setdefault("KLASPOORT_DEV", "1")

import django

django.setup()

import httpx
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.pupils.actions import do_ensure_credentials, do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import members_of
from klaspoort.core.actors import SystemActor
from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Group, Pupil, PupilMembership, SchoolYear
from serving import database_url, drain, free_port, served, server_cpu_seconds, server_name, test_database

WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", "3"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "600"))
SERVER_LOG = Path(settings.VAR_DIR) / "bench-pupil-server.log"
PIN = "4821"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def make_school() -> list[tuple[str, str]]:
    """A school with 8 groups of 28 pupils; returns the (group page, code page) paths of group 5."""
    school = do_register_school("12AB02", name="De Regenboog")
    year = SchoolYear.objects.create(start_year=current_school_year_start())
    seats: list[tuple[str, str]] = []
    for number in range(1, 9):
        group = Group.objects.create(
            school=school, school_year=year, kind="home", las_key=f"g{number}", name=f"Groep {number}",
            year_group=str(number),
        )  # fmt: skip
        for index in range(28):
            pupil = Pupil.objects.create(
                school=school, las_key=f"p{number}-{index}", first_name=f"Kind{index:02d}", surname="Bench",
                year_group=str(number),
            )  # fmt: skip
            PupilMembership.objects.create(pupil=pupil, group=group)
        do_ensure_credentials(group, members_of(group))
        if number != 5:
            continue
        base = f"/s/{school.instelling_ref}/{group.uuid}/"
        for credential in PupilCredential.objects.filter(pupil__memberships__group=group).select_related(
            "pupil"
        ):
            do_new_code(
                credential,
                actor=SystemActor("bench"),
                school_ref=school.instelling_ref,
                kind=CodeKind.PIN,
                code=PIN,
            )
            seats.append((base, f"{base}{credential.slug}/"))
    return seats


def login_once(http: httpx.Client, start: str, group_path: str, code_path: str) -> None:
    http.cookies.clear()  # a fresh browser: no device cookie, no session, no CSRF cookie
    for path in (start, group_path):
        answer = http.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code}")
    page = http.get(code_path)
    token = CSRF_RE.search(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"{code_path}: {page.status_code}")
    answer = http.post(code_path, data={"csrfmiddlewaretoken": token.group(1), "code": PIN, "target": ""})
    if answer.status_code != 302 or answer.headers.get("location") != "/portal/":
        raise RuntimeError(f"login refused: {answer.status_code} {answer.text[:300]}")


def queries_per_login(start: str, seats: list[tuple[str, str]], browser: Client | None = None) -> list[int]:
    """SQL queries of each step of one complete login, by a browser without cookies."""
    client = browser or Client()
    group_path, code_path = seats[0]
    counts = []
    for method, path, data in (
        ("get", start, {}),
        ("get", group_path, {}),
        ("get", code_path, {}),
        ("post", code_path, {"code": PIN}),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, data)
        assert response.status_code in (200, 302), response.content[:300]
        counts.append(len(captured.captured_queries))
    return counts


def load(base_url: str, start: str, seats: list[tuple[str, str]], logins: int) -> float:
    """`logins` complete logins from CLIENT_THREADS threads (one HTTP client each); seconds taken."""
    local = threading.local()
    clients: list[httpx.Client] = []

    def one(number: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=60)
            clients.append(local.http)
        group_path, code_path = seats[number % len(seats)]
        login_once(local.http, start, group_path, code_path)

    _done, seconds = drain(list(range(logins)), CLIENT_THREADS, one)
    for client in clients:
        client.close()
    return seconds


def main() -> None:
    cache = "Redis" if settings.REDIS_URL else "database cache"
    with test_database() as (engine, name):
        seats = make_school()
        start = f"/s/{seats[0][0].split('/')[2]}/"
        cold = queries_per_login(start, seats)  # the first pupil of the class fills the cached cards
        counts = queries_per_login(start, seats)
        connection.close()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        with served(database_url(name), port, WORKERS, log_file=SERVER_LOG) as process:
            load(base_url, start, seats, 60)  # warm-up
            cpu_before = server_cpu_seconds(process)
            seconds = load(base_url, start, seats, LOGINS)
            cpu = server_cpu_seconds(process) - cpu_before
    rate = LOGINS / seconds
    print(
        f"Pupil login on {engine} ({cache}), {server_name(WORKERS)}, "
        f"{CLIENT_THREADS} client threads, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  complete logins (shortcut -> group -> pupil -> PIN): {LOGINS} in {seconds:.2f} s = {rate:6.1f} logins/s"
    )
    if cpu:
        print(
            f"  server CPU per login: {cpu / LOGINS * 1000:.2f} ms = {LOGINS / cpu:6.1f} logins per core-second"
        )
        print(f"  target >= 100 logins/s/core: {LOGINS / cpu / 100:.2f}x the target")
    steps = "shortcut {}, group {}, pupil {}, code {}".format(*counts)
    print(
        f"  SQL queries per login: {sum(counts)} ({steps}); target <= 6 (issue 14): {sum(counts) / 6:.2f}x the budget"
    )
    print(f"  (the first login of a class after a change, filling the cached cards: {sum(cold)} queries)")


if __name__ == "__main__":
    main()
