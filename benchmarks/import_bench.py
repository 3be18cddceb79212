"""Roster import figures (prints, never asserts): `make bench-import`.

Scenarios, each timed end to end through `do_import_edexml` (read + plan + apply + record) with its
SQL query count: first import of a 1,000-pupil school, unchanged re-import, re-import with 10 % of
the pupils moved, and 4,000 vs 1,000 pupils (scaling ratios). Runs on SQLite (a fresh file) and on
PostgreSQL (a fresh database, dropped afterwards) when one is reachable:

    python benchmarks/import_bench.py                         # SQLite, plus PostgreSQL if reachable
    python benchmarks/import_bench.py --database-url postgres://user:pw@host:5432/any_db
    python benchmarks/import_bench.py --database-url sqlite

Then, through the school console's upload page (Django's test client in this process, so the CPU
time is the server's): the preview of a 1,000- and a 4,000-pupil upload (target ≤ 1 s CPU for 1,000,
ratio ≤ 4.4, queries independent of size); and the school-year switch: a teacher's group overview
on the last day of the old year and on the first day of the staged new one (same run, ratio).

Account creation and activation mails (receivers of the roster signals) are not part of the figures.
Targets on 2 cores: first import ≤ 1 s, unchanged re-import ≤ 0.3 s and ≤ 40 % of the first import,
linear time, constant queries.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from fresh_databases import Sample, best_of, measure, print_samples, print_scaling, run_everywhere

RUNS = 5
SCENARIOS = ("first", "unchanged", "moved")


def run_scenarios() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from klaspoort.accounts import receivers
    from klaspoort.registry.actions import do_register_school
    from klaspoort.roster import signals
    from klaspoort.roster.edexml.generator import generate_roster, move_pupils
    from klaspoort.roster.edexml.reader import read_edexml
    from klaspoort.roster.edexml.writer import write_edexml
    from klaspoort.roster.importing.actions import do_import_edexml
    from klaspoort.roster.models import SchoolYear

    signals.staff_added.disconnect(receivers.on_staff_added, dispatch_uid="accounts.staff_added")
    signals.staff_access_removed.disconnect(
        receivers.on_staff_access_removed, dispatch_uid="accounts.staff_access_removed"
    )
    call_command("migrate", verbosity=0, interactive=False)
    SchoolYear.objects.get_or_create(start_year=2026)
    counter = iter(range(10, 100))

    def fresh_school() -> Any:
        code = f"{next(counter)}BM00"
        return do_register_school(code, name=f"Benchmark {code}")

    def run(school: Any, data: bytes) -> None:
        outcome = do_import_edexml(school, data, source="cli", actor="bench", allow_mass_removal=True)
        if outcome.status != "applied":
            raise SystemExit(f"import not applied: {outcome.status} {outcome.errors}")

    if os.environ.get("IMPORT_BENCH_WEB_ONLY"):  # the web and school-year figures alone
        web_scenarios(fresh_school, run)
        return
    figures: dict[str, Sample] = {}
    for pupils in (1000, 4000):
        firsts, unchanged, moved = [], [], []
        for _ in range(RUNS):
            school = fresh_school()
            doc = generate_roster(school.code, pupils, seed=7, year="2026-2027")
            data = write_edexml(doc)
            firsts.append(measure(lambda school=school, data=data: run(school, data)))
        unchanged = [measure(lambda school=school, data=data: run(school, data)) for _ in range(RUNS)]
        shifted = write_edexml(move_pupils(doc, 0.1, seed=3))
        for index in range(RUNS):  # alternate: every run moves 10 % of the pupils
            target = shifted if index % 2 == 0 else data
            moved.append(measure(lambda school=school, target=target: run(school, target)))
        read = min(measure(lambda data=data: read_edexml(data))[0] for _ in range(RUNS))
        figures[f"first {pupils}"] = best_of(firsts)
        figures[f"unchanged {pupils}"] = best_of(unchanged)
        figures[f"moved {pupils}"] = best_of(moved)
        figures[f"read {pupils}"] = (read, 0, read)
        after = move_pupils(doc, 0.1, seed=3).pupils
        moves = sum(a.group_key != b.group_key for a, b in zip(doc.pupils, after, strict=True))
        print(f"  {pupils} pupils ({len(data) / 1024:,.0f} kB, {len(doc.staff)} staff, {moves} moved):")
        print_samples(figures, SCENARIOS, pupils)
        print(f"    (of which reading the XML: {read * 1000:.1f} ms)")
    print_scaling(figures, SCENARIOS, 1000, 4000, "pupils")
    for pupils in (1000, 4000):
        first, unchanged = figures[f"first {pupils}"], figures[f"unchanged {pupils}"]
        print(
            f"  unchanged re-import / first import, {pupils} pupils: time {unchanged[0] / first[0]:.0%}, "
            f"CPU {unchanged[2] / first[2]:.0%} (target ≤ 40 %)"
        )
    web_scenarios(fresh_school, run)
    print(f"  database: {connection.vendor}")


def _signed_in_client(placement: Any) -> Any:
    from importlib import import_module

    from django.conf import settings
    from django.test import Client

    from klaspoort.accounts.principal import SESSION_KEY, Principal

    principal = Principal(kind="staff", person=placement.staff.uuid, school=placement.school.instelling_ref)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = principal.to_session()
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def _set_day(day: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from klaspoort.core import clock
    from klaspoort.roster.schoolyears import forget_start_dates

    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 45)))
    clock.today = lambda: day  # type: ignore[assignment]
    clock.now = lambda: moment  # type: ignore[assignment]
    forget_start_dates()


def web_scenarios(fresh_school: Callable[[], Any], run: Callable[[Any, bytes], None]) -> None:
    import datetime as dt

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from klaspoort.roster.edexml.generator import generate_roster
    from klaspoort.roster.edexml.writer import write_edexml
    from klaspoort.roster.models import StaffMember, StaffPlacement, StaffRole

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # Django's test client
    _set_day(dt.date(2026, 12, 3))
    previews: dict[int, Sample] = {}
    for pupils in (1000, 4000):
        school = fresh_school()
        data = write_edexml(generate_roster(school.code, pupils, seed=7, year="2026-2027"))
        member = StaffMember.objects.create(email=f"ict-{school.code.lower()}@bench.example")
        coordinator = StaffPlacement.objects.create(
            staff=member, school=school, roles=[StaffRole.ICT_COORDINATOR]
        )
        client = _signed_in_client(coordinator)

        def preview(client: Any = client, data: bytes = data) -> None:
            response = client.post(
                "/schoolbeheer/leerlinggegevens/", {"bestand": SimpleUploadedFile("EDEX.XML", data)}
            )
            if response.status_code != 302:
                raise SystemExit(f"preview failed: {response.status_code} {response.content[:300]!r}")

        previews[pupils] = best_of([measure(preview) for _ in range(RUNS)])
        elapsed, queries, cpu = previews[pupils]
        print(
            f"  web preview {pupils:>5} pupils: {elapsed * 1000:8.1f} ms  (CPU here {cpu * 1000:6.1f} ms)  {queries:3d} queries"
        )
    small, large = previews[1000], previews[4000]
    print(
        f"  web preview 4000 vs 1000: time ratio {large[0] / small[0]:.2f}, CPU ratio {large[2] / small[2]:.2f} "
        f"(target ≤ 4.4), queries {small[1]} vs {large[1]}"
    )

    school = fresh_school()
    run(school, write_edexml(generate_roster(school.code, 1000, seed=7, year="2026-2027")))
    run_staged = write_edexml(generate_roster(school.code, 1000, seed=7, year="2027-2028"))
    from klaspoort.roster.importing.actions import do_import_edexml

    staged = do_import_edexml(school, run_staged, source="cli", actor="bench", allow_mass_removal=True)
    if staged.status != "staged":
        raise SystemExit(f"next year not staged: {staged.status} {staged.errors}")
    teacher = next(
        p for p in StaffPlacement.objects.filter(school=school).order_by("id") if "teacher" in p.roles
    )
    client = _signed_in_client(teacher)

    def overview() -> None:
        if client.get("/klas/").status_code != 200:
            raise SystemExit("group overview failed")

    days: dict[str, Sample] = {}
    for label, day in (("31 July", dt.date(2027, 7, 31)), ("1 August", dt.date(2027, 8, 1))):
        _set_day(day)
        first = measure(overview)  # the first request of the day: the start-day cache is empty
        days[label] = best_of([measure(overview) for _ in range(RUNS * 4)])
        elapsed, queries, cpu = days[label]
        print(
            f"  group overview on {label:<8}: first request {first[0] * 1000:6.1f} ms ({first[1]} queries), "
            f"then best {elapsed * 1000:6.1f} ms  (CPU here {cpu * 1000:5.1f} ms)  {queries} queries"
        )
    before, after = days["31 July"], days["1 August"]
    print(
        f"  first morning of the new year vs the day before: time ratio {after[0] / before[0]:.2f}, queries {before[1]} vs {after[1]}"
    )


def main() -> None:
    run_everywhere(__file__, run_scenarios, __doc__)


if __name__ == "__main__":
    main()
