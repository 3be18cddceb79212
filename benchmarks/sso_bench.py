"""Single sign-on throughput (prints figures, never asserts): `make bench-sso`.

OpenID Connect: complete code flows per second for an already signed-in person, over real HTTP
against the production server (granian) on a free loopback port: authorize (PKCE S256) → token (client_secret_basic,
ES256 ID token) → userinfo. Also SQL queries per flow and server CPU per flow (flows per
core-second). SAML: the SAML IdP's own benchmark (`benchmarks/saml_bench.py`) runs after it as
the second section (skip it with BENCH_SAML=0).

Uses a throw-away test database: SQLite by default, PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import base64
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpx
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

import saml_bench  # sets up Django; shares the server, database and session helpers
from klaspoort.accounts.principal import Principal
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.oidc import keys
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Group, SchoolYear, StaffMember, StaffMembership, StaffPlacement
from oidc_flow import authorize_query, pkce
from oidc_flow import code_of as oidc_code_of
from oidc_flow import token_form as oidc_token_form

REDIRECT_URI = "https://bench-rp.example.nl/callback"
WORKERS, CLIENT_THREADS, SECONDS = saml_bench.WORKERS, saml_bench.CLIENT_THREADS, saml_bench.SECONDS


def make_world() -> tuple[Principal, str]:
    school = do_register_school("12AB02", name="De Klimop")
    year = SchoolYear.objects.create(start_year=2026)
    staff = StaffMember.objects.create(first_name="Jan", surname="Jansen", email="jan@bench.example")
    placement = StaffPlacement.objects.create(staff=staff, school=school, las_key="s", roles=["teacher"])
    for name in ("5A", "6B"):
        group = Group.objects.create(
            school=school, school_year=year, kind="home", las_key=name, name=name, year_group=name[0]
        )
        StaffMembership.objects.create(placement=placement, group=group)
    spec = {
        "slug": "bench-oidc",
        "name": "Bench RP",
        "kind": "publisher",
        "apps": [
            {
                "slug": "bench-rp",
                "name": "Bench RP",
                "oidc": {
                    "client_id": "bench-rp",
                    "redirect_uris": [REDIRECT_URI],
                    "scopes": ["openid", "profile"],
                },
            }
        ],
    }
    registration = do_register_partner(parse_partner_spec(spec))
    do_grant_consent(school, registration.partner, names=True)
    keys.signing_key("ES256")  # made once here, not raced for by the workers
    principal = Principal(kind="staff", person=staff.uuid, school=school.instelling_ref)
    return principal, registration.new_secrets["bench-rp"]


def authorize_path(number: int, challenge: str) -> str:
    return "/oidc/authorize/?" + authorize_query("bench-rp", REDIRECT_URI, number, challenge)


def code_of(status: int, location: str) -> str:
    return oidc_code_of(status, location, REDIRECT_URI)


def token_form(code: str, verifier: str) -> dict[str, str]:
    return oidc_token_form(code, verifier, REDIRECT_URI)


def one_flow(http: httpx.Client, secret: str, number: int) -> None:
    verifier, challenge = pkce()
    answer = http.get(authorize_path(number, challenge))
    code = code_of(answer.status_code, answer.headers.get("Location", ""))
    token = http.post("/oidc/token/", data=token_form(code, verifier), auth=("bench-rp", secret))
    if token.status_code != 200 or "id_token" not in token.text:
        raise RuntimeError(f"token answered {token.status_code}: {token.text[:300]}")
    info = http.get("/oidc/userinfo/", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    if info.status_code != 200:
        raise RuntimeError(f"userinfo answered {info.status_code}: {info.text[:300]}")


def load(base_url: str, cookie: str, secret: str, flows: int) -> tuple[int, float]:
    """Run `flows` complete flows from CLIENT_THREADS threads, one HTTP client per thread."""
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
        one_flow(local.http, secret, number)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(flow, range(flows)))
    seconds = time.perf_counter() - start
    for client in clients:
        client.close()
    return flows, seconds


def queries_per_flow(principal: Principal, secret: str, base_url: str) -> dict[str, int]:
    """SQL queries of each step, in-process (Django's test client), after a warm-up flow."""
    settings.BASE_URL = base_url
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = saml_bench.session_for(principal)
    basic = "Basic " + base64.b64encode(f"bench-rp:{secret}".encode()).decode()
    counts: dict[str, int] = {}
    for number in (1, 2):
        verifier, challenge = pkce()
        with CaptureQueriesContext(connection) as authorize:
            answer = browser.get(authorize_path(number, challenge))
        code = code_of(answer.status_code, answer.get("Location", ""))
        with CaptureQueriesContext(connection) as token:
            tokens = (
                Client().post("/oidc/token/", token_form(code, verifier), HTTP_AUTHORIZATION=basic).json()
            )
        with CaptureQueriesContext(connection) as userinfo:
            Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
        counts = {
            "authorize": len(authorize.captured_queries),
            "token": len(token.captured_queries),
            "userinfo": len(userinfo.captured_queries),
        }
    return counts


def request_floor(base_url: str, process: object) -> float:
    """Server CPU of the cheapest request (/healthz: middleware, no database): the framework's floor."""
    count = 600
    cpu_before = saml_bench.server_cpu_seconds(process)  # type: ignore[arg-type]
    with (
        ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool,
        httpx.Client(base_url=base_url, timeout=60) as http,
    ):
        list(pool.map(lambda _: http.get("/healthz"), range(count)))
    return (saml_bench.server_cpu_seconds(process) - cpu_before) / count  # type: ignore[arg-type]


def main() -> None:
    setup_test_environment()
    engine = "SQLite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "PostgreSQL"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    process = None
    try:
        principal, secret = make_world()
        cookie = saml_bench.session_for(principal)
        port = saml_bench.free_port()
        base_url = f"http://127.0.0.1:{port}"
        queries = queries_per_flow(principal, secret, base_url)
        connection.close()
        process = saml_bench.start_server(saml_bench.database_url(name), port, WORKERS)
        load(base_url, cookie, secret, 40)  # warm-up: imports, key cache, connections
        flows = max(200, int(SECONDS * 60))
        cpu_before = saml_bench.server_cpu_seconds(process)
        done, seconds = load(base_url, cookie, secret, flows)
        cpu = (saml_bench.server_cpu_seconds(process) - cpu_before) / done
        floor = request_floor(base_url, process)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()
    cores = os.cpu_count() or 1
    print(
        f"OIDC provider on {engine}, {saml_bench.server_name(WORKERS)}, {CLIENT_THREADS} client threads, {cores} cores"
    )
    print(f"  complete code flows (authorize → token → userinfo): {done / seconds:7.1f} flows/s over HTTP")
    print(f"    (client threads share the {cores} cores; {done} flows in {seconds:.1f} s)")
    if cpu:
        print(
            f"  server CPU per flow {cpu * 1000:.2f} ms → {1 / cpu:6.1f} flows per core-second (target ≥ 150)"
        )
    if floor:
        print(
            f"  for scale: one /healthz request costs {floor * 1000:.2f} ms of server CPU (3 requests per flow)"
        )
    total = sum(queries.values())
    steps = ", ".join(f"{step} {count}" for step, count in queries.items())
    print(f"  SQL queries per flow: {total} ({steps}; target ≤ 10)")


if __name__ == "__main__":
    main()
    # SAML section: responses per second of the SAML IdP (its own benchmark module).
    if os.environ.get("BENCH_SAML", "1") != "0":
        print()
        saml_bench.main()
