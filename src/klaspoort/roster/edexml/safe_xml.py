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

from klaspoort.core.i18n.texts import Text, deferred

Element = etree._Element

# A document type declaration in the prolog: after an XML declaration, comments, processing
# instructions and white space. Found in the bytes before parsing, so the verdict never depends on
# how a parser version reacts to what the declaration holds (an entity bomb, an external DTD).
_PROLOG_DOCTYPE = re.compile(r"\A\ufeff?(?:\s+|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)
_ENTITY_REFERENCE = re.compile(rb"&([^\s&;#]+);")
_PREDEFINED_ENTITIES = {b"lt", b"gt", b"amp", b"apos", b"quot"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class XmlRejected(Exception):
    """The bytes are not acceptable XML. `message` is for users (translated when shown); `line` is
    1-based or 0."""

    def __init__(self, line: int, message: Text) -> None:
        super().__init__(message.source())
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


def _declares_doctype(data: bytes) -> bool:
    """Whether the prolog holds a <!DOCTYPE (UTF-8, ASCII-compatible encodings and UTF-16)."""
    head = data[: 64 * 1024]
    if head.startswith((b"\xff\xfe", b"<\x00")):
        text = head.decode("utf-16-le", errors="ignore")
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        text = head.decode("utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")  # the prolog's markup is ASCII in every encoding EDEXML allows
    return _PROLOG_DOCTYPE.match(text.removeprefix("\xef\xbb\xbf")) is not None


_DOCTYPE_MESSAGE = deferred(
    "Het bestand bevat een DOCTYPE-declaratie (een DTD of entiteiten). Die horen niet in een "
    "EDEXML-bestand en worden om veiligheidsredenen geweigerd."
)
# Our own sentence per kind of parser error (libxml2's error types); the parser's English wording
# never reaches the user, so a new parser version cannot change what a school reads.
_SYNTAX_MESSAGES = {
    "ERR_TAG_NAME_MISMATCH": deferred(
        "Het bestand is geen geldige XML: een element wordt met een andere naam afgesloten dan waarmee "
        "het begon."
    ),
    "ERR_TAG_NOT_FINISHED": deferred(
        "Het bestand is geen geldige XML: het bestand houdt op voordat alle elementen zijn afgesloten "
        "(is het onvolledig opgeslagen of verstuurd?)."
    ),
    "ERR_DOCUMENT_END": deferred(
        "Het bestand is geen geldige XML: na het afsluiten van het hoofdelement staat nog meer inhoud."
    ),
    "ERR_INVALID_CHAR": deferred(
        "Het bestand is geen geldige XML: het bevat een teken dat in XML niet is toegestaan."
    ),
    "ERR_INVALID_ENCODING": deferred(
        "Het bestand is geen geldige XML: de tekens passen niet bij de tekenset (encoding) die het "
        "bestand opgeeft."
    ),
    "ERR_UNSUPPORTED_ENCODING": deferred(
        "Het bestand is geen geldige XML: het bestand gebruikt een tekenset (encoding) die niet wordt "
        "ondersteund."
    ),
}
_UNKNOWN_SYNTAX_ERROR = deferred(
    "Het bestand is geen geldige XML: de opbouw klopt niet (een tag, attribuut of teken is fout)."
)
_UNDECLARED_ENTITY = {"ERR_UNDECLARED_ENTITY", "WAR_UNDECLARED_ENTITY"}


def _syntax_problem(data: bytes, error: etree.XMLSyntaxError) -> tuple[int, Text]:
    """(line, message) of the first real parser error (iterparse may report a later consequence)."""
    entries = [entry for entry in error.error_log if entry.level >= etree.ErrorLevels.ERROR]
    if entries:
        line, kind = entries[0].line or 0, entries[0].type_name
    else:
        line, kind = error.lineno or 0, ""
    return line, _syntax_message(data, line, kind)


def _syntax_message(data: bytes, line: int, kind: str) -> Text:
    if kind in _UNDECLARED_ENTITY:
        name = _undeclared_entity_on(data, line)
        if name:
            return deferred(
                "Het bestand gebruikt de onbekende entiteit '&%(name)s;'. Entiteiten zijn in EDEXML niet "
                "toegestaan.",
                name=name,
            )
        return deferred(
            "Het bestand gebruikt een onbekende entiteit (&…;). Entiteiten zijn in EDEXML niet toegestaan."
        )
    return _SYNTAX_MESSAGES.get(kind, _UNKNOWN_SYNTAX_ERROR)


def _undeclared_entity_on(data: bytes, line: int) -> str:
    lines = data.split(b"\n")
    text = lines[line - 1] if 0 < line <= len(lines) else b""
    for match in _ENTITY_REFERENCE.finditer(text):
        if match.group(1) not in _PREDEFINED_ENTITIES:
            return match.group(1).decode("utf-8", errors="replace")
    return ""


def iter_events(data: bytes) -> Iterator[tuple[str, Element]]:
    """Yield lxml ("start"|"end", element) events; raise XmlRejected for anything unsafe or broken.

    Comments and processing instructions are dropped, so every element handed out has a str tag.
    """
    if not data.strip():
        raise XmlRejected(0, deferred("Het bestand is leeg."))
    if not _looks_like_xml(data):
        raise XmlRejected(
            1,
            deferred(
                "Dit is geen XML-bestand. Kies het EDEXML-bestand uit de leerlingadministratie (meestal "
                "EDEX.XML)."
            ),
        )
    if _declares_doctype(data):
        raise XmlRejected(_doctype_line(data, 1), _DOCTYPE_MESSAGE)
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
    try:
        for event, element in events:  # the first event only: the root's document is checked once
            info = element.getroottree().docinfo
            if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
                raise XmlRejected(_doctype_line(data, element.sourceline or 1), _DOCTYPE_MESSAGE)
            yield event, element
            break
        yield from events  # the rest straight from lxml (no Python loop per element event)
    except etree.XMLSyntaxError as error:
        raise XmlRejected(*_syntax_problem(data, error)) from None
