"""Collects the errors and warnings of one read, so that all of them are reported at once."""

from __future__ import annotations

from klaspoort.core.i18n.texts import Text
from klaspoort.roster.edexml.document import Problem


class Report:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self._once: set[str] = set()
        self._tallies: dict[tuple[str, str], tuple[int, int]] = {}

    def error(self, line: int | None, message: Text) -> None:
        self.errors.append(Problem(line or 0, message))

    def warn(self, line: int | None, message: Text) -> None:
        self.warnings.append(Problem(line or 0, message))

    def warn_once(self, topic: str, line: int | None, message: Text) -> None:
        """A warning that is given only for the first occurrence of `topic`."""
        if topic not in self._once:
            self._once.add(topic)
            self.warn(line, message)

    def tally(self, topic: str, value: str, line: int | None) -> None:
        """Count an occurrence; `tallies(topic)` gives (value, first line, count) for a summary warning."""
        first, count = self._tallies.get((topic, value), (line or 0, 0))
        self._tallies[(topic, value)] = (first, count + 1)

    def tallies(self, topic: str) -> list[tuple[str, int, int]]:
        return [
            (value, first, count) for (name, value), (first, count) in self._tallies.items() if name == topic
        ]

    def sorted_errors(self) -> list[Problem]:
        return sorted(self.errors, key=lambda problem: problem.line)

    def sorted_warnings(self) -> list[Problem]:
        return sorted(self.warnings, key=lambda problem: problem.line)
