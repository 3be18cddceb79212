# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""The peer of `make bench-sso`: django-oauth-toolkit's OpenID Connect provider (peers/dot_peer),
measured as benchmarks/sso_bench.py measures klaspoort: complete code flows for a signed-in person
(authorize with PKCE S256 → token with client_secret_basic → userinfo) over real HTTP against
granian with BENCH_WORKERS workers and BENCH_CLIENTS client threads, server CPU per flow, SQL
statements per flow (Django's test client, after a warm-up flow). Prints the lines
`benchmarks/side_by_side.py` reads. Never asserts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
os.environ["DJANGO_SETTINGS_MODULE"] = "dot_peer.settings"

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from oauth2_provider.models import Application

from oidc_flow import Provider, measure_flows, queries_per_flow
from serving import database_url, free_port, served, server_name, test_database

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


PROVIDER = Provider("/o/", "bench-rp", SECRET, REDIRECT_URI, settings.SESSION_COOKIE_NAME)


def main() -> None:
    with test_database() as (engine, name):
        make_world()
        cookie = signed_in_cookie()
        queries = queries_per_flow(PROVIDER, cookie)
        connection.close()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        peer = "dot_peer.wsgi:application"
        with served(
            database_url(name), port, WORKERS, app=peer, PYTHONPATH=os.pathsep.join(sys.path)
        ) as process:
            rate, cpu = measure_flows(
                PROVIDER, base_url, cookie, threads=CLIENT_THREADS, seconds=SECONDS, server=process
            )
    print(
        f"django-oauth-toolkit OIDC provider (peer) on {engine}, {server_name(WORKERS)}, {CLIENT_THREADS} client threads"
    )
    print(f"  complete code flows (authorize → token → userinfo): {rate:7.1f} flows/s over HTTP")
    print(f"  server CPU per flow {cpu * 1000:.2f} ms → {1 / cpu:6.1f} flows per core-second")
    steps = ", ".join(f"{step} {count}" for step, count in queries.items())
    print(f"  SQL queries per flow: {sum(queries.values())} ({steps})")


if __name__ == "__main__":
    main()
