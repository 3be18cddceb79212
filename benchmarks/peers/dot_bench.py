# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""The peer of `make bench-sso`: django-oauth-toolkit's OpenID Connect provider (peers/dot_peer),
measured as benchmarks/sso_bench.py measures klaspoort: complete code flows for a signed-in person
(authorize with PKCE S256 → token with client_secret_basic → userinfo) over real HTTP against
granian with BENCH_WORKERS workers and BENCH_CLIENTS client threads, server CPU per flow, SQL
statements per flow (Django's test client, after a warm-up flow). Prints the lines
`benchmarks/side_by_side.py` reads. Never asserts.
"""

from __future__ import annotations

import base64
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
os.environ["DJANGO_SETTINGS_MODULE"] = "dot_peer.settings"

import django

django.setup()

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from oauth2_provider.models import Application

from oidc_flow import authorize_query, pkce
from oidc_flow import code_of as oidc_code_of
from oidc_flow import token_form as oidc_token_form
from serving import database_url, free_port, server_cpu_seconds, server_name, start_server

WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", str(2 * WORKERS)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
REDIRECT_URI = "https://bench-rp.example.nl/callback"
SECRET = "bench-client-secret-" + "x" * 24


def make_world() -> None:
    User.objects.create_user("jan", password=None, first_name="Jan", last_name="Jansen")
    Application.objects.create(
        client_id="bench-rp",
        client_secret=SECRET,
        hash_client_secret=False,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        name="Bench RP",
        skip_authorization=True,
        algorithm=Application.HS256_ALGORITHM,
    )


def signed_in_cookie() -> str:
    client = Client()
    client.force_login(User.objects.get(username="jan"))
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def authorize_path(number: int, challenge: str) -> str:
    return "/o/authorize/?" + authorize_query("bench-rp", REDIRECT_URI, number, challenge)


def code_of(status: int, location: str) -> str:
    return oidc_code_of(status, location, REDIRECT_URI)


def token_form(code: str, verifier: str) -> dict[str, str]:
    return oidc_token_form(code, verifier, REDIRECT_URI)


def one_flow(http: httpx.Client, number: int) -> None:
    verifier, challenge = pkce()
    answer = http.get(authorize_path(number, challenge))
    code = code_of(answer.status_code, answer.headers.get("Location", ""))
    token = http.post("/o/token/", data=token_form(code, verifier), auth=("bench-rp", SECRET))
    if token.status_code != 200 or "id_token" not in token.text:
        raise RuntimeError(f"token answered {token.status_code}: {token.text[:300]}")
    info = http.get("/o/userinfo/", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    if info.status_code != 200 or "given_name" not in info.text:
        raise RuntimeError(f"userinfo answered {info.status_code}: {info.text[:300]}")


def load(base_url: str, cookie: str, flows: int) -> tuple[int, float]:
    local = threading.local()
    clients: list[httpx.Client] = []

    def flow(number: int) -> None:
        if not hasattr(local, "http"):
            local.http = httpx.Client(
                base_url=base_url,
                cookies={settings.SESSION_COOKIE_NAME: cookie},
                follow_redirects=False,
                timeout=60,
            )
            clients.append(local.http)
        one_flow(local.http, number)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(flow, range(flows)))
    seconds = time.perf_counter() - start
    for client in clients:
        client.close()
    return flows, seconds


def queries_per_flow(cookie: str) -> dict[str, int]:
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
    basic = "Basic " + base64.b64encode(f"bench-rp:{SECRET}".encode()).decode()
    counts: dict[str, int] = {}
    for number in (1, 2):
        verifier, challenge = pkce()
        with CaptureQueriesContext(connection) as authorize:
            answer = browser.get(authorize_path(number, challenge))
        code = code_of(answer.status_code, answer.get("Location", ""))
        with CaptureQueriesContext(connection) as token:
            tokens = Client().post("/o/token/", token_form(code, verifier), HTTP_AUTHORIZATION=basic).json()
        with CaptureQueriesContext(connection) as userinfo:
            Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
        counts = {
            "authorize": len(authorize.captured_queries),
            "token": len(token.captured_queries),
            "userinfo": len(userinfo.captured_queries),
        }
    return counts


def main() -> None:
    setup_test_environment()
    engine = "SQLite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "PostgreSQL"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    process = None
    try:
        make_world()
        cookie = signed_in_cookie()
        queries = queries_per_flow(cookie)
        connection.close()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        process = start_server(
            database_url(name),
            port,
            WORKERS,
            app="dot_peer.wsgi:application",
            PYTHONPATH=os.pathsep.join(sys.path),
        )
        load(base_url, cookie, 40)
        flows = max(200, int(SECONDS * 60))
        before = server_cpu_seconds(process)
        done, seconds = load(base_url, cookie, flows)
        cpu = (server_cpu_seconds(process) - before) / done
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        connection.creation.destroy_test_db(name, verbosity=0)
    print(
        f"django-oauth-toolkit OIDC provider (peer) on {engine}, {server_name(WORKERS)}, {CLIENT_THREADS} client threads"
    )
    print(f"  complete code flows (authorize → token → userinfo): {done / seconds:7.1f} flows/s over HTTP")
    print(f"  server CPU per flow {cpu * 1000:.2f} ms → {1 / cpu:6.1f} flows per core-second")
    steps = ", ".join(f"{step} {count}" for step, count in queries.items())
    print(f"  SQL queries per flow: {sum(queries.values())} ({steps})")


if __name__ == "__main__":
    main()
