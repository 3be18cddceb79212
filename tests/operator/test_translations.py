"""The English catalogues of the console apps are complete and their compiled .mo files match."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest

import klaspoort

APPS = ["operator", "registry"]
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)', re.M)


def _text(quoted: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'^(".*")$', quoted, re.M))


def _entries(app: str) -> tuple[dict[str, str], Path]:
    folder = Path(klaspoort.__file__).parent / app / "locale" / "en" / "LC_MESSAGES"
    text = (folder / "django.po").read_text(encoding="utf-8")
    found = {_text(m.group(1)): _text(m.group(2)) for m in ENTRY.finditer(text + "\n")}
    found.pop("", None)
    return found, folder


@pytest.mark.parametrize("app", APPS)
def test_catalogue_complete_and_compiled(app: str) -> None:
    entries, folder = _entries(app)
    assert len(entries) > 10
    assert [key for key, value in entries.items() if not value] == []
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, value in entries.items():
        assert compiled.gettext(key) == value
