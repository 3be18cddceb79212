"""Register import figures (prints, never asserts): `make bench-register`.

Imports a made-up DUO register file (`registry/duo_sample.py`, the real layout) of 2,000, 4,000 and
8,000 locations (the national register has about 8,000), with 2,000 school accounts from the
register present: a first import, an unchanged re-import, and a monthly change (5 % renamed, 1 %
gone, 1 % new). Next to it, as the peer: the standard library's csv reader only reading the same
file. Runs on SQLite (a fresh file) and on PostgreSQL (a fresh database) when reachable.

Target: 8,000 locations ≤ 10 s, linear (8,000 vs 2,000 ≈ 4).
"""

from __future__ import annotations

import csv
import io
import os

from fresh_databases import Sample, best_of, measure, print_samples, print_scaling, run_everywhere

RUNS = 3
SIZES = (2000, 4000, 8000)
SCENARIOS = ("first", "unchanged", "monthly")


def run_scenarios() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from klaspoort.registry.duo_sample import SampleLocation, numbered_locations, sample_register
    from klaspoort.registry.models import RegisterImport, RegisterLocation, SchoolLocation
    from klaspoort.registry.register_import import do_import_register

    call_command("migrate", verbosity=0, interactive=False)

    def run(data: bytes) -> None:
        outcome = do_import_register(data, actor="bench")
        if outcome.status != RegisterImport.Status.APPLIED:
            raise SystemExit(f"import refused: {outcome.problems[:3]}")

    def reset(accounts: list[SampleLocation]) -> None:
        """An empty register and these school accounts (written at once: they are not measured)."""
        import uuid

        RegisterLocation.objects.all().delete()
        SchoolLocation.objects.all().delete()
        SchoolLocation.objects.bulk_create(
            SchoolLocation(
                brin=loc.code[:4], location_code=loc.code[4:], name=loc.name, instelling_ref=uuid.uuid4()
            )
            for loc in accounts
        )

    figures: dict[str, Sample] = {}
    for size in SIZES:
        locations = numbered_locations(size)
        first = sample_register(locations, encoding="windows-1252")
        changed_list = [
            SampleLocation(loc.code, loc.name + " (nieuw)", loc.board, loc.postcode)
            if index % 20 == 0
            else loc
            for index, loc in enumerate(locations)
            if index % 100 != 1
        ] + numbered_locations(size + size // 100)[size:]
        changed = sample_register(changed_list, naming="new", encoding="utf-8-sig")
        firsts, unchanged, monthly = [], [], []
        for _ in range(RUNS):
            reset(locations[:2000])
            firsts.append(measure(lambda data=first: run(data)))
            unchanged.append(measure(lambda data=first: run(data)))
            monthly.append(measure(lambda data=changed: run(data)))
        peer = min(
            measure(
                lambda data=first: sum(
                    1 for _row in csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";")
                )
            )[0]
            for _ in range(RUNS)
        )
        figures[f"first {size}"] = best_of(firsts)
        figures[f"unchanged {size}"] = best_of(unchanged)
        figures[f"monthly {size}"] = best_of(monthly)
        print(f"  {size} locations ({len(first) / 1024:,.0f} kB), 2,000 school accounts:")
        print_samples(figures, SCENARIOS, size)
        print(f"    peer: csv.reader alone on the same file {peer * 1000:.1f} ms")
    print_scaling(figures, SCENARIOS, SIZES[0], SIZES[-1], "locations")
    print(f"  database: {connection.vendor}; load: {os.getloadavg()[0]:.1f}")


def main() -> None:
    run_everywhere(__file__, run_scenarios, __doc__)


if __name__ == "__main__":
    main()
