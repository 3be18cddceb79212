"""Pause Python's cyclic garbage collector around one bounded batch job (a roster import).

A big import builds tens of thousands of short-lived objects (parsed records, plan rows, model
instances). With the collector running, every full collection walks all of them again, so the
time of an import grows faster than its size. Reference counting still frees almost everything
at once; the collector, switched back on afterwards, picks up any cycles left behind.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Switch the cyclic collector off for the block; restore its previous state afterwards, also
    when the block raises. Nested use keeps it off until the outermost block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
