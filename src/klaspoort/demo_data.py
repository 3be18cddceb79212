"""Demo data loaded by `make demo` (idempotent)."""

from __future__ import annotations


def load(school_code: str) -> None:
    """Import a generated roster into the demo school."""
