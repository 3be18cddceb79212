"""Our benchmarks next to their peers and to today's code, in one run: `make bench-sso`, `bench-login`,
`bench-saml`, `bench-pupil` (prints a table, never asserts).

Each contender is one run of a benchmark script in a process of its own (ours, a peer under
benchmarks/peers/, or the same script of "today's code": the commit BENCH_BASE checked out beside
this one with `git worktree` under var/bench-base/). A round runs every contender once, ours first
and then the others, in reverse order every other round so that a drift of the machine's load
falls on both sides; BENCH_PAIRS rounds (default 5). Per round, the ratio ours / theirs of the
figure per core-second of CPU; the table gives each side's median and the median (and range) of
the per-round ratios, the queries per flow, and the machine's load (`uptime`) of every run.
Everything else (database, server, client threads) is as the scripts do it: SQLite, or PostgreSQL
with DATABASE_URL, for every contender alike.

    python benchmarks/side_by_side.py sso|login|saml|pupil
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAIRS = int(os.environ.get("BENCH_PAIRS", "5"))
# Today's code: the last commit of main before issue 14 (rule methods, compiled queries).
BASE = os.environ.get("BENCH_BASE", "894c2ff")
SECONDS = os.environ.get("BENCH_SECONDS", "4")


@dataclass(frozen=True)
class Contender:
    label: str
    script: str  # relative to the benchmarks folder of `tree`
    tree: str = "ours"  # "ours" or "base"
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Bench:
    title: str
    figure: str  # what is counted per core-second
    per_core: str  # regex: group 1 is the figure per core-second
    queries: str  # regex: group 1 is the queries per flow
    contenders: tuple[Contender, ...]
    targets: dict[str, str] = field(default_factory=dict)  # contender label -> target of the ratio
    # regex matching a whole line of our own output with a checked ratio as group 1 (e.g. the SAML
    # HTTP check): the line of every round is repeated after the table, with the median ratio
    check: str | None = None


NO_SAML = (("BENCH_SAML", "0"),)
BENCHES = {
    "sso": Bench(
        "OpenID Connect code flow (authorize + PKCE → token → userinfo)",
        "flows",
        r"→\s*([\d.]+) flows per core-second",
        r"SQL queries per flow: (\d+)",
        (
            Contender("klaspoort", "sso_bench.py", env=NO_SAML),
            Contender("django-oauth-toolkit", "peers/dot_bench.py"),
            Contender("today's code", "sso_bench.py", "base", NO_SAML),
        ),
        {"django-oauth-toolkit": "≥ 4", "today's code": "≥ 0.9"},
    ),
    "login": Bench(
        "Staff login (GET /login/ + POST, Argon2id m=19 MiB t=2 p=1), 1 worker, 1 client",
        "logins",
        r"([\d.]+) logins per core-second",
        r"SQL queries per login: (\d+)",
        (
            Contender("klaspoort", "login_bench.py", env=(("BENCH_LOGIN_RUNS", "1"),)),
            Contender("Django LoginView", "peers/loginview_bench.py"),
            Contender("today's code", "login_bench.py", "base"),
        ),
        {"today's code": "≥ 0.9"},
    ),
    "saml": Bench(
        "SAML response: build + sign alone, in-process, one core",
        "responses",
        r"build \+ sign alone \(in-process, one core\):\s*([\d.]+)",
        r"SQL queries per response: SP-initiated (\d+)",
        (
            Contender("klaspoort", "saml_bench.py"),
            Contender("pysaml2 IdP", "peers/pysaml2_bench.py"),
            Contender("today's code", "saml_bench.py", "base"),
        ),
        {"pysaml2 IdP": "≥ 30", "today's code": "≥ 0.9"},
        check=r"SP-initiated server CPU .*: ([\d.]+)x \(target <= 2\)",
    ),
    "pupil": Bench(
        "Pupil login at school (shortcut → group → pupil → PIN)",
        "logins",
        r"=\s*([\d.]+) logins per core-second",
        r"SQL queries per login: (\d+)",
        (
            Contender("klaspoort", "pupil_login_bench.py"),
            Contender("today's code", "pupil_login_bench.py", "base"),
        ),
        {"today's code": "≥ 0.9"},
    ),
}


def base_tree() -> Path:
    """Today's code beside this checkout (a git worktree, made on first use)."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", BASE], capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = ROOT / "var" / "bench-base" / commit
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True)
    return tree


@dataclass
class Outcome:
    per_core: float | None
    queries: int | None
    load: str
    output: str


def run(bench: Bench, contender: Contender) -> Outcome:
    tree = ROOT if contender.tree == "ours" else base_tree()
    env = dict(os.environ, KLASPOORT_DEV="1", BENCH_SECONDS=SECONDS, **dict(contender.env))
    env["PYTHONPATH"] = str(tree / "src")  # the klaspoort of that tree, also in its server processes
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    load = load.split("load average:")[-1].strip()
    done = subprocess.run(
        [PYTHON, str(tree / "benchmarks" / contender.script)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    figure = re.search(bench.per_core, output)
    queries = re.search(bench.queries, output)
    if figure is None:
        print(f"  ! {contender.label}: no figure (exit {done.returncode}); last lines:\n{output[-1500:]}")
    return Outcome(
        float(figure.group(1)) if figure else None, int(queries.group(1)) if queries else None, load, output
    )


def main(name: str) -> None:
    bench = BENCHES[name]
    ours, *others = bench.contenders
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"{bench.title} — {engine}, {PAIRS} rounds, BENCH_SECONDS={SECONDS}, today's code = {BASE}")
    results: dict[str, list[Outcome]] = {c.label: [] for c in bench.contenders}
    for round_number in range(PAIRS):
        order = [ours, *(others if round_number % 2 == 0 else others[::-1])]
        for contender in order:
            outcome = run(bench, contender)
            results[contender.label].append(outcome)
            figure = f"{outcome.per_core:8.1f}" if outcome.per_core else "       -"
            print(
                f"  round {round_number + 1}: {contender.label:<22} {figure} {bench.figure}/core-s   load {outcome.load}"
            )
    print()
    print(
        f"  {'':<22} {bench.figure + '/core-s (median, range)':>34} {'queries':>8}   ratio ours/theirs (median, range)"
    )
    for contender in bench.contenders:
        outcomes = results[contender.label]
        figures = [o.per_core for o in outcomes if o.per_core]
        queries = next((o.queries for o in outcomes if o.queries is not None), None)
        spread = (
            f"{statistics.median(figures):8.1f} ({min(figures):.1f}-{max(figures):.1f})" if figures else "-"
        )
        line = f"  {contender.label:<22} {spread:>34} {queries if queries is not None else '-':>8}"
        if contender is not ours:
            ratios = [
                mine.per_core / theirs.per_core
                for mine, theirs in zip(results[ours.label], outcomes, strict=True)
                if mine.per_core and theirs.per_core
            ]
            if ratios:
                target = bench.targets.get(contender.label, "")
                line += f"   {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})" + (
                    f"  target {target}" if target else ""
                )
        print(line)
    if bench.check:
        _print_check(bench.check, results[ours.label])


def _print_check(pattern: str, outcomes: list[Outcome]) -> None:
    """Our checked line of each round (with its load) and the median of its ratio."""
    found = [(match, outcome.load) for outcome in outcomes if (match := re.search(pattern, outcome.output))]
    if not found:
        return
    print("\n  klaspoort, the check of each round:")
    for number, (match, load) in enumerate(found, 1):
        print(f"  round {number}: {match.group(0)}   load {load}")
    print(f"  median {statistics.median(float(match.group(1)) for match, _ in found):.2f}x")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in BENCHES:
        raise SystemExit(f"usage: side_by_side.py {'|'.join(BENCHES)}")
    main(sys.argv[1])
