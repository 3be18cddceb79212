# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""Portal tiles page (prints figures, never asserts): `make bench-portal`.

1. Latency of /portal/ with a cold licence cache (every request is another pupil, as in the morning
   rush) and five stub publishers that each answer in 50 ms: concurrent asking should cost about one
   answer (~50 ms), not five (250 ms). Target p95 <= 120 ms.
2. The same with one publisher hanging, breaker off (every request waits for it): target p95 <=
   timeout + 100 ms. And with the breaker on, as in production.
3. Tiles pages per second on one core with a warm cache (the same pupil again), in-process.

The stub publishers run in a separate process (so they do not share the GIL with the page), on
loopback ports. Uses a throw-away test database: SQLite by default, PostgreSQL when DATABASE_URL
points at one. The shared cache is Redis when KLASPOORT_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/8) answers, else the database cache.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.portal.stub_publisher
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
os.environ.setdefault("KLASPOORT_DEV", "1")

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Group, Pupil, PupilMembership, SchoolYear

PUBLISHERS = 5
DELAY = 0.05
COLD_REQUESTS = int(os.environ.get("BENCH_COLD_REQUESTS", "60"))
HANG_REQUESTS = int(os.environ.get("BENCH_HANG_REQUESTS", "12"))
WARM_SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
REDIS_URL = os.environ.get("KLASPOORT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def run_stubs(count: int, delay: float, hang_last: bool, ports: Any, stop: Any) -> None:
    """In a child process: `count` stub publishers; the last one hangs when `hang_last`."""
    from tests.portal.stub_publisher import Behaviour, StubPublisher, product

    stubs = []
    for number in range(count):
        hang = hang_last and number == count - 1
        items = [
            product(f"p{number}-{kind}", audience=audience, allowed_at_home=True, launch_method="link",
                    launch_url=f"https://apps.example/{number}/{kind}", icon_url=f"https://icons.example/{number}/{kind}.png")
            for kind, audience in (("oefenen", "pupil"), ("lezen", "pupil"), ("toets", "pupil"), ("leerkracht", "teacher"))
        ]  # fmt: skip
        stubs.append(StubPublisher(Behaviour(products=items, delay=delay, hang=hang)).start())
    ports.put([stub.url for stub in stubs])
    stop.wait(600)
    for stub in stubs:
        stub.stop()


class Stubs:
    def __init__(self, count: int, delay: float, *, hang_last: bool = False) -> None:
        context = multiprocessing.get_context("fork")
        self._ports = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(
            target=run_stubs, args=(count, delay, hang_last, self._ports, self._stop), daemon=True
        )

    def __enter__(self) -> list[str]:
        self._process.start()
        return list(self._ports.get(timeout=30))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


def use_shared_cache() -> str:
    """Point the default cache at Redis when it answers, else at the database cache."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        available = bool(client.ping())
    except redis.RedisError:
        available = False
    finally:
        client.close()
    prefix = f"bench-portal-{uuid.uuid4().hex[:8]}"
    if available:
        backend, location, label = (
            "django.core.cache.backends.redis.RedisCache",
            REDIS_URL,
            f"Redis ({REDIS_URL})",
        )
    else:
        backend, location, label = "klaspoort.core.cache.DatabaseCache", "klaspoort_cache", "database cache"
    override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": prefix}}
    ).enable()
    return label


def make_school(pupils: int) -> tuple[Any, list[Principal]]:
    school = do_register_school("12AB02", name="De Bench")
    year, _ = SchoolYear.objects.get_or_create(start_year=2026)
    group = Group.objects.create(
        school=school, school_year=year, kind="home", las_key="g", name="5A", year_group="5"
    )
    people = Pupil.objects.bulk_create(
        Pupil(school=school, las_key=f"p{n}", first_name="Kim", surname=f"Bench{n}", year_group="5")
        for n in range(pupils)
    )
    PupilMembership.objects.bulk_create(PupilMembership(pupil=pupil, group=group) for pupil in people)
    principals = [Principal(kind="pupil", person=p.uuid, school=school.instelling_ref) for p in people]
    return school, principals


def register(school: Any, urls: list[str], run: str) -> None:
    for number, url in enumerate(urls):
        slug = f"{run}-uitgever-{number}"
        spec = {
            "slug": slug,
            "name": f"Uitgever {run} {number}",
            "kind": "publisher",
            "sector_id": f"{slug}.example",
            "apps": [{"slug": slug, "name": slug, "licence_endpoint_url": url,
                      "oidc": {"client_id": slug, "redirect_uris": [url.replace("/licences", "/cb")]}}],
        }  # fmt: skip
        result = do_register_partner(parse_partner_spec(spec))
        do_grant_consent(school, result.partner, actor=SystemActor("bench"))


def withdraw_all(school: Any) -> None:
    from klaspoort.federation.models import Consent

    Consent.objects.filter(school=school).update(active=False)


def client_for(principal: Principal) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()
    return client


CPU_SECONDS: dict[str, float] = {}


def page_latencies(principals: list[Principal], expected_tiles: int, label: str = "") -> list[float]:
    clients = [client_for(principal) for principal in principals]
    latencies = []
    cpu_start = time.process_time()
    for client in clients:
        start = time.perf_counter()
        response = client.get("/portal/")
        latencies.append(time.perf_counter() - start)
        tiles = response.content.count(b'class="tile"')
        if response.status_code != 200 or tiles != expected_tiles:
            raise RuntimeError(f"unexpected page: {response.status_code}, {tiles} tiles")
    CPU_SECONDS[label] = (time.process_time() - cpu_start) / len(clients)
    return latencies


def describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
        f"max {ordered[-1] * 1000:6.1f} ms  (n={len(ordered)})"
    )


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def cold_queries(principal: Principal, tiles: int) -> int:
    client = client_for(principal)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portal/").content.count(b'class="tile"') == tiles
    return len(captured.captured_queries)


def warm_pages_per_second(principal: Principal, tiles: int) -> tuple[float, int]:
    client = client_for(principal)
    client.get("/portal/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portal/").content.count(b'class="tile"') == tiles
    queries = len(captured.captured_queries)
    done = 0
    cpu_start, start = time.process_time(), time.perf_counter()
    while time.perf_counter() - start < WARM_SECONDS:
        client.get("/portal/")
        done += 1
    return done / (time.process_time() - cpu_start), queries


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_ALLOW_LOOPBACK_HTTP = True
    engine = "SQLite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "PostgreSQL"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    cache_label = use_shared_cache()
    tiles = 3 * PUBLISHERS
    try:
        school, principals = make_school(COLD_REQUESTS + 2 * HANG_REQUESTS + 10)
        pool = iter(principals)
        with Stubs(PUBLISHERS, DELAY) as urls:
            register(school, urls, "fast")
            page_latencies([next(pool) for _ in range(3)], tiles)  # warm-up: connections, keys, JWKS
            cold = page_latencies([next(pool) for _ in range(COLD_REQUESTS)], tiles, "cold")
            queries_cold = cold_queries(next(pool), tiles)
            warm_rate, queries_warm = warm_pages_per_second(next(pool), tiles)
        withdraw_all(school)
        timeout = settings.PORTAL_LICENCE_TIMEOUT
        with Stubs(PUBLISHERS, DELAY, hang_last=True) as urls:
            register(school, urls, "hang")
            settings.PORTAL_BREAKER_FAILURES = 10**9
            hang_off = page_latencies([next(pool) for _ in range(HANG_REQUESTS)], tiles - 3)
            settings.PORTAL_BREAKER_FAILURES = 3
            hang_on = page_latencies([next(pool) for _ in range(HANG_REQUESTS)], tiles - 3)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    print(
        f"Portal /portal/ on {engine}, cache {cache_label}, {os.cpu_count()} cores, in-process Django client"
    )
    print(
        f"  {PUBLISHERS} publishers answering in {DELAY * 1000:.0f} ms each, cold cache (a new pupil per page):"
    )
    print(
        f"    {describe(cold)}   target p95 <= 120 ms; sequential would be >= {PUBLISHERS * DELAY * 1000:.0f} ms"
    )
    print(f"    SQL queries per cold page: {queries_cold} (disclosure check + record per publisher); "
          f"CPU of this process per cold page {CPU_SECONDS['cold'] * 1000:.1f} ms")  # fmt: skip
    print(f"  one of them hanging, timeout {timeout:.1f} s, breaker off:")
    print(f"    {describe(hang_off)}   target p95 <= {timeout * 1000 + 100:.0f} ms")
    print(f"    p95 over the timeout: {(p95(hang_off) - timeout) * 1000:.0f} ms")
    print("  one of them hanging, breaker on (3 failures, then skipped for 30 s):")
    print(f"    {describe(hang_on)}")
    print(f"  warm cache (same pupil): {warm_rate:7.1f} tiles pages per CPU-second (one core), "
          f"{queries_warm} SQL queries per page")  # fmt: skip


if __name__ == "__main__":
    main()
