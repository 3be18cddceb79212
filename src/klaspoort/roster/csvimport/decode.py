"""Bytes to text for a CSV upload: UTF-8 with or without BOM, or Windows-1252; anything else refused."""

from __future__ import annotations

import re

from klaspoort.core.i18n.texts import deferred
from klaspoort.roster.edexml.document import Problem

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> tuple[str, list[Problem]]:
    """The text, or "" and the reason it cannot be read."""
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        return "", [
            Problem(line, deferred("Dit is geen tekstbestand (CSV); kies het CSV-bestand met de gegevens."))
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _UTF8_MULTIBYTE.search(data):
        return "", [
            Problem(
                _line_of(data, bad),
                deferred(
                    "Het bestand gebruikt twee tekensets door elkaar (UTF-8 en een andere); sla het "
                    "opnieuw op "
                    "als CSV UTF-8 en probeer het nog eens."
                ),
            )
        ]
    try:
        return data.decode("cp1252"), []
    except UnicodeDecodeError as exc:
        return "", [
            Problem(
                _line_of(data, exc.start),
                deferred(
                    "Het bestand is niet in UTF-8 of Windows-1252 opgeslagen; sla het opnieuw op als CSV "
                    "UTF-8."
                ),
            )
        ]
