# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""The peer of `make bench-login`: Django's own LoginView (peers/loginview_peer), measured as
benchmarks/login_bench.py measures klaspoort: granian with one worker and one client thread that
keeps its connection open, every login a new browser (GET /login/ for the CSRF token, then POST
username + password) and a different user, server CPU per login. Prints the same lines as
login_bench.py's first run, which `benchmarks/side_by_side.py` reads. Never asserts.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
os.environ["DJANGO_SETTINGS_MODULE"] = "loginview_peer.settings"

import django

django.setup()

import httpx
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from serving import database_url, drain, free_port, served, server_cpu_seconds, server_name, test_database

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARM_UP = 30
PASSWORD = "Lange zin met 4 woorden"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def username(number: int) -> str:
    return f"leerkracht{number:05d}"


def log_in(http: httpx.Client, number: int) -> None:
    http.cookies.clear()
    form = http.get("/login/")
    token = CSRF_FIELD.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"login form: {form.status_code}")
    answer = http.post(
        "/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username(number), "password": PASSWORD},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login refused ({answer.status_code})")


def main() -> None:
    count = max(100, int(SECONDS * 30))
    with test_database() as (engine, name):
        encoded = make_password(PASSWORD)
        User.objects.bulk_create(
            User(username=username(n), password=encoded) for n in range(WARM_UP + count + 1)
        )
        client = Client()
        with CaptureQueriesContext(connection) as form:
            client.get("/login/")
        with CaptureQueriesContext(connection) as post:
            client.post("/login/", {"username": username(WARM_UP + count), "password": PASSWORD})
        connection.close()
        port = free_port()
        peer = "loginview_peer.wsgi:application"
        with served(database_url(name), port, 1, app=peer, PYTHONPATH=os.pathsep.join(sys.path)) as process:
            local = threading.local()

            def one(number: int) -> None:
                if not hasattr(local, "http"):
                    local.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
                log_in(local.http, number)

            drain(list(range(WARM_UP)), 1, one)
            before = server_cpu_seconds(process)
            done, seconds = drain(list(range(WARM_UP, WARM_UP + count)), 1, one)
            cpu = server_cpu_seconds(process) - before
    per_core = done / cpu if cpu else 0.0
    print(f"Django LoginView (peer) on {engine}; GET /login/ + POST, each a different user")
    print(f"  {server_name(1)}, 1 client thread(s): {done / seconds:6.1f} logins/s over HTTP")
    print(f"    {per_core:6.1f} logins per core-second of server CPU ({1000 / per_core:.1f} ms each)")
    print(
        f"  SQL queries per login: {len(post.captured_queries)} for the POST, {len(form.captured_queries)} for the form"
    )


if __name__ == "__main__":
    main()
