# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""SAML IdP throughput (prints figures, never asserts): `make bench-saml`.

Signed responses per second for an already signed-in person, over real HTTP against the production server (granian) on a
free loopback port (SP-initiated: redirect-binding AuthnRequest in, auto-submitting POST form with
the signed response out; the same from an SP that registered a certificate and so signs its
requests, "SP, signed"; and IdP-initiated), SQL queries per response, and the in-process cost of
build + sign alone. Uses a throw-away test database: SQLite by default, PostgreSQL when
DATABASE_URL points at one (a separate `test_…` database is created and dropped).

The check of issue 14 (SP-initiated server CPU <= 2 x (build + sign + one trivial request)) takes
all three in the same run, on the same server and workers, the two HTTP figures with the same
client code: one keep-alive connection per client thread (a new client per request used to cost the
client more CPU than the server spent, on the same two cores, and a TCP connection per request).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import secrets
import subprocess
import sys
import threading
import time
import zlib
from importlib import import_module
from urllib.parse import quote_plus

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
os.environ.setdefault("KLASPOORT_DEV", "1")

import django

django.setup()

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.principal import Principal, establish_principal
from klaspoort.federation.models import Consent, Partner, PartnerApp
from klaspoort.federation.saml.assertion import ResponseInput, issue_response
from klaspoort.federation.saml.attributes import entree_attributes
from klaspoort.federation.saml.constants import SIGALG_RSA_SHA256
from klaspoort.federation.saml.keys import make_self_signed_pem, signing_credentials
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Group, Pupil, PupilMembership, SchoolYear
from serving import (
    database_url,
    drain,
    free_port,
    served,
    server_cpu_seconds,
    server_name,
    test_database,
)

# AuthnRequest IDs differ from run to run: with REDIS_URL the replay markers of an earlier run live on.
RUN = secrets.token_hex(4)
SP_ENTITY_ID = "https://bench-sp.example.nl/metadata"
ACS_URL = "https://bench-sp.example.nl/acs"
# A second app of the same partner that registered a certificate, so it must sign its requests.
SIGNED_SP_ENTITY_ID = "https://bench-sp.example.nl/signed/metadata"
SP_KEY_PEM = make_self_signed_pem("bench SP", days=30)
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", str(2 * WORKERS)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))


def make_world() -> Principal:
    school = do_register_school("12AB01", name="De Regenboog")
    year = SchoolYear.objects.create(start_year=2026)
    group = Group.objects.create(
        school=school, school_year=year, kind="home", las_key="g", name="7A", year_group="7"
    )
    pupil = Pupil.objects.create(
        school=school, las_key="p", first_name="Sem", surname="Vries", year_group="7"
    )
    PupilMembership.objects.create(pupil=pupil, group=group)
    partner = Partner.objects.create(slug="bench", kind="publisher", name="Bench", sector_id="bench")
    PartnerApp.objects.create(
        partner=partner, slug="bench-app", name="Bench", saml_entity_id=SP_ENTITY_ID, saml_acs_urls=[ACS_URL]
    )
    certificate = SP_KEY_PEM[SP_KEY_PEM.index(b"-----BEGIN CERTIFICATE-----") :].decode()
    PartnerApp.objects.create(
        partner=partner,
        slug="bench-signed",
        name="Bench (signed requests)",
        saml_entity_id=SIGNED_SP_ENTITY_ID,
        saml_acs_urls=[ACS_URL],
        saml_certificate=certificate,
    )
    Consent.objects.create(school=school, partner=partner, names=True, changed_at=dt.datetime.now(dt.UTC))
    return Principal(kind="pupil", person=pupil.uuid, school=school.instelling_ref)


def session_for(principal: Principal) -> str:
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    establish_principal(request, principal)
    request.session.save()
    return str(request.session.session_key)


def redirect_path(destination: str, number: int, *, signed: bool = False) -> str:
    """An HTTP-Redirect AuthnRequest; `signed`: from the SP with a certificate, signed (RSA-SHA256)."""
    issuer = SIGNED_SP_ENTITY_ID if signed else SP_ENTITY_ID
    instant = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = (
        '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_bench{RUN}{number:08d}" Version="2.0" IssueInstant="{instant}" Destination="{destination}" '
        f'AssertionConsumerServiceURL="{ACS_URL}"><saml:Issuer>{issuer}</saml:Issuer></samlp:AuthnRequest>'
    ).encode()
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    encoded = base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()
    query = f"SAMLRequest={quote_plus(encoded)}&RelayState=bench"
    if signed:
        query += f"&SigAlg={quote_plus(SIGALG_RSA_SHA256)}"
        key = serialization.load_pem_private_key(SP_KEY_PEM, password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        signature = key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
        query += f"&Signature={quote_plus(base64.b64encode(signature).decode())}"
    return f"/saml/sso/?{query}"


def load(
    base_url: str, paths: list[str], cookie: str | None = None, expect: str = "SAMLResponse"
) -> tuple[int, float]:
    """Fire the paths from CLIENT_THREADS threads, each with its own keep-alive client (as a browser
    keeps its connection to the IdP); (answers with `expect`, seconds). The /healthz floor is taken
    with this same client code, so both figures carry the same connection handling."""
    local = threading.local()
    clients: list[httpx.Client] = []

    def get(path: str) -> None:
        http = getattr(local, "http", None)
        if http is None:
            cookies = {settings.SESSION_COOKIE_NAME: cookie} if cookie else None
            http = local.http = httpx.Client(base_url=base_url, cookies=cookies, timeout=60)
            clients.append(http)
        response = http.get(path)
        if response.status_code != 200 or expect not in response.text:
            raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:300]}")

    try:
        return drain(paths, CLIENT_THREADS, get)
    finally:
        for http in clients:
            http.close()


def served_cpu(
    process: subprocess.Popen[bytes],
    base_url: str,
    paths: list[str],
    cookie: str | None = None,
    expect: str = "SAMLResponse",
) -> tuple[float, float]:
    """(answers per second, server CPU seconds per answer) of `load`."""
    cpu_before = server_cpu_seconds(process)
    done, seconds = load(base_url, paths, cookie, expect)
    cpu = server_cpu_seconds(process) - cpu_before
    return done / seconds, cpu / done if cpu else 0.0


def queries_per_response(principal: Principal, base_url: str) -> tuple[list[int], list[int]]:
    """Statements of two SP-initiated and two IdP-initiated responses: the first of each kind
    looks the app up (then kept by the worker for a few seconds, app_cache), the second is what
    nearly every response costs."""
    settings.BASE_URL = base_url
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(principal)
    sso = [redirect_path(f"{base_url}/saml/sso/", number) for number in (99_999_998, 99_999_999)]
    launch = ["/saml/idp-initiated/bench-app/"] * 2
    counts: tuple[list[int], list[int]] = ([], [])
    for paths, found in zip((sso, launch), counts, strict=True):
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, response.content[:300]
            found.append(len(captured.captured_queries))
    return counts


def in_process_cpu(base_url: str, paths: list[str], cookie: str | None = None) -> float:
    """CPU seconds of this thread per request through the WSGI application itself (every
    middleware, no HTTP server, no client on the same cores): steadier than the server's CPU
    when the machine is busy, for comparing changes."""
    from klaspoort.wsgi import application

    host = base_url.removeprefix("http://")
    name, _, port = host.partition(":")
    base = {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": name,
        "SERVER_PORT": port,
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        base["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    environs = []
    for path in paths:
        path_info, _, query = path.partition("?")
        environs.append({**base, "PATH_INFO": path_info, "QUERY_STRING": query, "wsgi.input": io.BytesIO()})

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"unexpected answer {status}")

    start = time.thread_time()
    for environ in environs:
        b"".join(application(environ, start_response))
    return (time.thread_time() - start) / len(environs)


def build_and_sign_per_second() -> tuple[float, float]:
    """Responses built and signed per second of wall time (as the peer is timed: its xmlsec1 runs in
    a child process), and the CPU seconds of one in this process."""
    from klaspoort.federation.disclosure import Released, ReleasedSchool

    released = Released(
        sub="a" * 64,
        role="pupil",
        school=ReleasedSchool(instelling_ref="r", brin="12AB", location_code="01", name="De Regenboog"),
        groups=(),
        given_name="Sem",
        family_name="Vries",
    )
    credentials = signing_credentials()
    now = dt.datetime.now(dt.UTC)
    rounds = 500
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        data = ResponseInput(
            idp_entity_id="https://idp.example.nl/saml/metadata/",
            sp_entity_id=SP_ENTITY_ID,
            acs_url=ACS_URL,
            name_id=released.sub,
            attributes=entree_attributes(released, "idp.example.nl"),
            issued_at=now,
            authn_instant=now,
            in_response_to="_r",
        )
        issue_response(data, credentials)
    return rounds / (time.perf_counter() - start), (time.process_time() - cpu) / rounds


def main() -> None:
    with test_database() as (engine, name):
        principal = make_world()
        cookie = session_for(principal)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        sp_queries, idp_queries = queries_per_response(principal, base_url)
        connection.close()
        with served(database_url(name), port, WORKERS) as process:
            destination = f"{base_url}/saml/sso/"
            load(base_url, [redirect_path(destination, n) for n in range(50)], cookie)  # warm-up
            load(base_url, ["/healthz"] * 50, expect="ok")
            count = max(200, int(SECONDS * 150))
            figures = {
                "SP-initiated": served_cpu(
                    process,
                    base_url,
                    [redirect_path(destination, n) for n in range(100, 100 + count)],
                    cookie,
                ),
                "SP, signed": served_cpu(
                    process,
                    base_url,
                    [redirect_path(destination, n, signed=True) for n in range(100, 100 + count)],
                    cookie,
                ),
                "IdP-initiated": served_cpu(
                    process, base_url, ["/saml/idp-initiated/bench-app/"] * count, cookie
                ),
            }
            # The cheapest request through the same middleware, same server, workers and client code:
            # no session cookie (with one, the session guards would read the session).
            floor = served_cpu(process, base_url, ["/healthz"] * (3 * count), expect="ok")[1]
        signing, signing_cpu = build_and_sign_per_second()
        in_process = {
            "sp": in_process_cpu(
                base_url, [redirect_path(destination, n) for n in range(10**6, 10**6 + count)], cookie
            ),
            "healthz": in_process_cpu(base_url, ["/healthz"] * count),
        }
    cores = os.cpu_count() or 1
    print(f"SAML IdP on {engine}, {server_name(WORKERS)}, {CLIENT_THREADS} client threads, {cores} cores")
    for label, (rate, cpu) in figures.items():
        per_core = f"{1 / cpu:6.1f} per core-second of server CPU ({cpu * 1000:.2f} ms)" if cpu else "n/a"
        print(f"  {label:<14} {rate:7.1f} responses/s over HTTP (client on the same cores); {per_core}")
    print(
        f"  SQL queries per response: SP-initiated {sp_queries[1]}, IdP-initiated {idp_queries[1]} "
        f"(the first of each in a worker, app not cached yet: {sp_queries[0]} and {idp_queries[0]})"
    )
    print(f"  build + sign alone (in-process, one core): {signing:7.1f} responses/s")
    sp_cpu = figures["SP-initiated"][1]
    if sp_cpu:
        print(f"  signing share of the server CPU per SP-initiated response: {signing_cpu / sp_cpu:.0%}")
    if sp_cpu and floor:
        bound = signing_cpu + floor
        print(
            f"  SP-initiated server CPU {sp_cpu * 1000:.2f} ms vs build + sign {signing_cpu * 1000:.2f} ms CPU + one "
            f"/healthz {floor * 1000:.2f} ms = {bound * 1000:.2f} ms: {sp_cpu / bound:.2f}x (target <= 2)"
        )
    sp_alone, healthz_alone = in_process["sp"], in_process["healthz"]
    print(
        f"  the same in-process (WSGI application, no HTTP; steadier on a busy machine): SP-initiated "
        f"{sp_alone * 1000:.2f} ms vs {signing_cpu * 1000:.2f} + /healthz {healthz_alone * 1000:.2f} ms: "
        f"{sp_alone / (signing_cpu + healthz_alone):.2f}x"
    )


if __name__ == "__main__":
    main()
