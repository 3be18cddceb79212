"""Every catalogue of the package is compiled, and Django reads what the .po says."""

from __future__ import annotations

import gettext

import polib
import pytest

from klaspoort.core.i18n.catalogues import PACKAGE_DIR
from klaspoort.core.i18n.compile import catalogue_files, is_stale

CATALOGUES = catalogue_files(PACKAGE_DIR)


def test_there_are_catalogues() -> None:
    apps = {po.relative_to(PACKAGE_DIR).parts[0] for po in CATALOGUES}
    assert {"core", "accounts", "classroom", "twofactor", "portal", "federation"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(PACKAGE_DIR)))
def test_compiled_catalogue_matches_its_source(po) -> None:
    assert not is_stale(po)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in polib.pofile(str(po)):
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[1]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr
