"""Single sign-on throughput (prints figures, never asserts): `make bench-sso`.

OpenID Connect: complete code flows per second for an already signed-in person, over real HTTP
against the production server (granian) on a free loopback port: authorize (PKCE S256) → token (client_secret_basic,
ES256 ID token) → userinfo. Also SQL queries per flow and server CPU per flow (flows per
core-second). SAML: the SAML IdP's own benchmark (`benchmarks/saml_bench.py`) runs after it as
the second section (skip it with BENCH_SAML=0).

Uses a throw-away test database: SQLite by default, PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.conf import settings
from django.db import connection

import saml_bench  # sets up Django; shares the server, database and session helpers
from klaspoort.accounts.principal import Principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.oidc import keys
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Group, SchoolYear, StaffMember, StaffMembership, StaffPlacement
from oidc_flow import Provider, measure_flows, queries_per_flow
from serving import database_url, free_port, request_floor, served, server_name, test_database

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
    do_grant_consent(school, registration.partner, names=True, actor=SystemActor("bench"))
    keys.signing_key("ES256")  # made once here, not raced for by the workers
    principal = Principal(kind="staff", person=staff.uuid, school=school.instelling_ref)
    return principal, registration.new_secrets["bench-rp"]


def provider(secret: str) -> Provider:
    return Provider("/oidc/", "bench-rp", secret, REDIRECT_URI, settings.SESSION_COOKIE_NAME)


def main() -> None:
    with test_database() as (engine, name):
        principal, secret = make_world()
        cookie = saml_bench.session_for(principal)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        rp = provider(secret)
        settings.BASE_URL = base_url
        queries = queries_per_flow(rp, cookie)
        connection.close()
        with served(database_url(name), port, WORKERS) as process:
            rate, cpu = measure_flows(
                rp, base_url, cookie, threads=CLIENT_THREADS, seconds=SECONDS, server=process
            )
            floor = request_floor(base_url, process, CLIENT_THREADS)
    cores = os.cpu_count() or 1
    print(
        f"OIDC provider on {engine}, {server_name(WORKERS)}, {CLIENT_THREADS} client threads, {cores} cores"
    )
    print(f"  complete code flows (authorize → token → userinfo): {rate:7.1f} flows/s over HTTP")
    print(f"    (client threads share the {cores} cores)")
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
