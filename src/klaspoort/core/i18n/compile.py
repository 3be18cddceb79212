"""Compiles the catalogues (.po) to the .mo files Django reads, with polib: no GNU gettext needed.

The .mo files are build output (ignored by git): `make .venv/.installed` and the test run compile
the stale ones; `klaspoort compilemessages` does it on a server.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polib


def mo_path(po: Path) -> Path:
    return po.with_suffix(".mo")


def is_stale(po: Path) -> bool:
    mo = mo_path(po)
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogue(po: Path) -> Path:
    """Write the .mo beside `po`; fuzzy and untranslated entries are left out, as msgfmt does."""
    catalogue = polib.pofile(str(po))
    mo = mo_path(po)
    scratch = mo.with_suffix(".mo.tmp")
    catalogue.save_as_mofile(str(scratch))
    scratch.replace(mo)  # a running server never reads a half-written file
    return mo


def compile_stale(pos: Iterable[Path], force: bool = False) -> list[Path]:
    return [compile_catalogue(po) for po in pos if force or is_stale(po)]


def catalogue_files(package_dir: Path) -> list[Path]:
    return sorted(package_dir.glob("**/locale/*/LC_MESSAGES/*.po"))
