"""EDEXML reader/writer/generator figures (prints, never asserts): `make bench-edexml`."""

from __future__ import annotations

import time
from collections.abc import Callable

from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml


def best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    figures = {}
    for pupils in (1000, 4000):
        doc = generate_roster("12AB00", pupils, seed=1, year="2026-2027")
        data = write_edexml(doc)
        generate = best_of(
            3, lambda pupils=pupils: generate_roster("12AB00", pupils, seed=1, year="2026-2027")
        )
        write = best_of(3, lambda doc=doc: write_edexml(doc))
        read = best_of(3, lambda data=data: read_edexml(data))
        figures[pupils] = read
        print(
            f"{pupils:>5} pupils, {len(data) / 1024:,.0f} kB: generate {generate * 1000:6.1f} ms, "
            f"write {write * 1000:6.1f} ms, read {read * 1000:6.1f} ms"
        )
    print(f"read 4000 vs 1000 pupils: ratio {figures[4000] / figures[1000]:.2f} (linear = 4.0)")


if __name__ == "__main__":
    main()
