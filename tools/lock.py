"""Helpers for requirements.lock, run by the Makefile (standard library only, any Python >= 3.11).

    python tools/lock.py check            every requirement of pyproject.toml (runtime and the dev
                                          extras) is pinned in the lock at a version it accepts
    python tools/lock.py only NAME        NAME's pin with its hashes (to install uv before the rest)
    python tools/lock.py diff OLD NEW     the pins that changed between two locks, one per line

The lock itself is written by uv (`make lock`, `make upgrade-deps`); this file never resolves.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, set[str]]:
    """Name -> pinned versions (a universal lock may pin two versions under different markers)."""
    found: dict[str, set[str]] = {}
    for name, version in _PIN.findall(text):
        found.setdefault(canonical(name), set()).add(version)
    return found


def wanted(pyproject: dict) -> list[str]:
    project = pyproject["project"]
    return [*project.get("dependencies", []), *project.get("optional-dependencies", {}).get("dev", [])]


def check() -> int:
    locked = pins(LOCK.read_text())
    problems = []
    for requirement in wanted(tomllib.loads(PYPROJECT.read_text())):
        match = _NAME.match(requirement)
        if not match:
            problems.append(f"pyproject.toml: cannot read the requirement {requirement!r}")
            continue
        name = canonical(match.group(1))
        if name not in locked:
            problems.append(f"pyproject.toml asks for {requirement!r}, which requirements.lock does not pin")
        elif not any(_accepts(requirement, version) for version in locked[name]):
            shown = ", ".join(sorted(locked[name]))
            problems.append(f"pyproject.toml asks for {requirement!r}; requirements.lock pins {shown}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Run `make lock` (keeps every other pin) and commit requirements.lock.", file=sys.stderr)
        return 1
    return 0


def _accepts(requirement: str, version: str) -> bool:
    try:  # packaging is in the lock (pytest needs it) and vendored by pip
        from packaging.requirements import Requirement
    except ImportError:
        from pip._vendor.packaging.requirements import Requirement
    return Requirement(requirement).specifier.contains(version, prereleases=True)


def only(name: str) -> int:
    """Print the lock's entry for NAME: the pin line and its --hash continuation lines."""
    wanted_name = canonical(name)
    lines = LOCK.read_text().splitlines()
    for index, line in enumerate(lines):
        match = _PIN.match(line)
        if match and canonical(match.group(1)) == wanted_name:
            entry = [line]
            for following in lines[index + 1 :]:
                if not following.strip().startswith("--hash="):
                    break
                entry.append(following)
            print("\n".join(entry).rstrip(" \\"))
            return 0
    print(f"requirements.lock does not pin {name}", file=sys.stderr)
    return 1


def diff(old: Path, new: Path) -> int:
    before, after = pins(old.read_text()), pins(new.read_text())
    changes = []
    for name in sorted(before.keys() | after.keys()):
        was, now = ", ".join(sorted(before.get(name, ()))), ", ".join(sorted(after.get(name, ())))
        if was != now:
            changes.append(f"  {name}: {was or '(new)'} -> {now or '(removed)'}")
    print("\n".join(changes) if changes else "  nothing changed")
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["check"]:
            return check()
        case ["only", name]:
            return only(name)
        case ["diff", old, new]:
            return diff(Path(old), Path(new))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
