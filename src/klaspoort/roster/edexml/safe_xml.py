"""Hardened, streaming XML parsing for untrusted uploads.

No DTD is loaded, no entity is resolved, nothing is fetched from the network or the file system,
huge trees are refused, and any document type declaration (the carrier of entity bombs and external
entities) is rejected outright before the first element is handed out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

from lxml import etree

Element = etree._Element

_UNDEFINED_ENTITY = re.compile(r"Entity '([^']*)' not defined")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class XmlRejected(Exception):
    """The bytes are not acceptable XML. `message` is plain Dutch for users; `line` is 1-based or 0."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _looks_like_xml(data: bytes) -> bool:
    head = data[:1024]
    for bom in _BOMS:
        if head.startswith(bom):
            return True
    return head.lstrip().startswith(b"<")


def _doctype_line(data: bytes, fallback: int) -> int:
    index = data.find(b"<!DOCTYPE")
    return data.count(b"\n", 0, index) + 1 if index >= 0 else fallback


def _syntax_problem(error: etree.XMLSyntaxError) -> tuple[int, str]:
    """(line, message) of the first real parser error (iterparse may report a later consequence)."""
    entries = [entry for entry in error.error_log if entry.level >= etree.ErrorLevels.ERROR]
    if entries:
        return entries[0].line or 0, _syntax_message(entries[0].message or "")
    return error.lineno or 0, _syntax_message(error.msg or str(error))


def _syntax_message(text: str) -> str:
    text = text.strip()
    undefined = _UNDEFINED_ENTITY.search(text)
    if undefined:
        return (
            f"Het bestand gebruikt de onbekende entiteit '&{undefined.group(1)};'. "
            "Entiteiten zijn in EDEXML niet toegestaan."
        )
    return f"Het bestand is geen geldige XML (technische melding: {text})."


def iter_events(data: bytes) -> Iterator[tuple[str, Element]]:
    """Yield lxml ("start"|"end", element) events; raise XmlRejected for anything unsafe or broken.

    Comments and processing instructions are dropped, so every element handed out has a str tag.
    """
    if not data.strip():
        raise XmlRejected(0, "Het bestand is leeg.")
    if not _looks_like_xml(data):
        raise XmlRejected(
            1,
            "Dit is geen XML-bestand. Kies het EDEXML-bestand uit de leerlingadministratie "
            "(meestal EDEX.XML).",
        )
    etree.clear_error_log()  # the log is per thread; keep earlier parses out of our messages
    events = etree.iterparse(
        BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )
    checked = False
    try:
        for event, element in events:
            if not checked:
                checked = True
                info = element.getroottree().docinfo
                if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
                    raise XmlRejected(
                        _doctype_line(data, element.sourceline or 1),
                        "Het bestand bevat een DOCTYPE-declaratie (een DTD of entiteiten). Die horen niet "
                        "in een EDEXML-bestand en worden om veiligheidsredenen geweigerd.",
                    )
            yield event, element
    except etree.XMLSyntaxError as error:
        raise XmlRejected(*_syntax_problem(error)) from None
