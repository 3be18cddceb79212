"""What the in-process benchmarks share (`import_bench`, `register_bench`, `help_search_bench`): the
scenarios run in a child process of their own against a fresh database, SQLite (a file in a
temporary folder) and PostgreSQL (a throw-away database, dropped afterwards) when one is reachable;
and timing one action with its query count and CPU time.

    run_everywhere(script, run_scenarios, description)   the script's main(): --database-url, --run
    measure(action) -> Sample                            (wall seconds, queries, CPU seconds)
    best_of(samples) -> Sample
    print_samples(figures, names, size) / print_scaling(figures, names, small, large, unit)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DEFAULT_POSTGRES = "postgres://klaspoort:klaspoort@127.0.0.1:5432/postgres"

Sample = tuple[float, int, float]  # wall seconds, queries, CPU seconds of this process


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2):
            return True
    except Exception:
        return False


def measure(action: Callable[[], Any]) -> Sample:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        start, cpu = time.perf_counter(), time.process_time()
        action()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, len(context.captured_queries), cpu


def best_of(samples: list[Sample]) -> Sample:
    """The fastest run (the machine is shared: slower runs measure the neighbours), the highest
    query count and the lowest CPU time."""
    return min(s[0] for s in samples), max(s[1] for s in samples), min(s[2] for s in samples)


def print_samples(figures: dict[str, Sample], names: tuple[str, ...], size: int) -> None:
    """One line per scenario `name` of `size`: time, CPU of this process, queries."""
    for name in names:
        elapsed, queries, cpu = figures[f"{name} {size}"]
        print(
            f"    {name:<10} {elapsed * 1000:8.1f} ms  (CPU here {cpu * 1000:7.1f} ms)  {queries:3d} queries"
        )


def print_scaling(
    figures: dict[str, Sample], names: tuple[str, ...], small: int, large: int, unit: str
) -> None:
    """Per scenario: how time, CPU and queries grow from `small` to `large` (linear = large / small)."""
    for name in names:
        low, high = figures[f"{name} {small}"], figures[f"{name} {large}"]
        print(
            f"  {name:<10} {large} vs {small} {unit}: time ratio {high[0] / low[0]:.2f}, CPU ratio "
            f"{high[2] / low[2]:.2f} (linear = {large / small:.1f}), queries {low[1]} vs {high[1]}"
        )


@contextlib.contextmanager
def throwaway_postgres(server_url: str, script: str) -> Iterator[str]:
    """The URL of a new database on the server of `server_url`, dropped afterwards."""
    import psycopg

    name = f"kp_{Path(script).stem}_{os.getpid()}_{int(time.time())}"
    base = server_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_everywhere(
    script: str,
    run_scenarios: Callable[[], None],
    description: str | None,
    labels: tuple[str, str] = ("SQLite (file, WAL):", "PostgreSQL:"),
) -> None:
    """The main() of a benchmark script: with `--run URL` (internal) the scenarios in this process
    against that database; else the script again in a child process per database: SQLite, and
    PostgreSQL when reachable, or only the one `--database-url` names ('sqlite' or a postgres:// URL)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="'sqlite' or a postgres:// URL (default: both when reachable)")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: run in this process against this URL
    args = parser.parse_args()
    if args.run:
        os.environ["DATABASE_URL"] = args.run
        os.environ["KLASPOORT_LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
        run_scenarios()
        return
    targets = ["sqlite"] if args.database_url in (None, "sqlite") else [args.database_url]
    if args.database_url is None:
        if postgres_reachable(DEFAULT_POSTGRES):
            targets.append(DEFAULT_POSTGRES)
        else:
            print(f"PostgreSQL not reachable at {DEFAULT_POSTGRES}; SQLite only.")
    sqlite_label, postgres_label = labels
    for target in targets:
        if target == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                print(sqlite_label, flush=True)
                subprocess.run(
                    [sys.executable, script, "--run", f"sqlite:///{tmp}/bench.sqlite3"], check=True
                )
        else:
            print(postgres_label, flush=True)
            with throwaway_postgres(target, script) as url:
                subprocess.run([sys.executable, script, "--run", url], check=True)
