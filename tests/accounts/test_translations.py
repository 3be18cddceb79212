"""The English catalogue of the account pages is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import klaspoort.accounts

LOCALE = Path(klaspoort.accounts.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
            if key:
                entries[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1)))
    return entries


def test_every_text_is_translated() -> None:
    entries = _po_entries()
    assert len(entries) > 100
    assert [key for key, value in entries.items() if not value] == []


def test_compiled_catalogue_is_current() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, value in _po_entries().items():
        dutch = key.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        english = value.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        assert compiled.gettext(dutch) == english
