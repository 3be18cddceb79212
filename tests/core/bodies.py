"""A request body that fails the test when anything reads it (for "refused before it is read")."""

from __future__ import annotations

from typing import Any


class Unreadable:
    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: Any) -> bytes:
        self.reads += 1
        raise AssertionError("the body was read")

    readline = read
