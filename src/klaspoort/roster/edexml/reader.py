"""Read an EDEXML file (1.0.3, 2.0 or 2.1) into an EdexDocument, or report everything wrong with it.

`read_edexml` never raises for bad input: not XML, the wrong root, a DOCTYPE (entity bombs, external
entities, external DTDs), an oversized or empty file and every rule violation become `Problem`s with
1-based line numbers and a plain Dutch message. The file is streamed: each object is read when its
element ends and then dropped, so memory stays small for big files.

Errors (the file is refused): the top-level blocks out of order or twice; unknown elements; a
missing, empty or over-long (> 256) key; a key used twice per kind (group keys across both kinds);
references to groups, composite groups or vestigingen that are not in the file (or of the wrong
kind); an unknown jaargroep; a pupil without jaargroep whose home group does not give one (no group,
or a combination group C); a schooljaar that is not two consecutive years (any year, not the
schema's outdated list); bad brincode/dependancecode/instellingsnummer; a person without achternaam
and roepnaam; names, group names and descriptions over their length limits; bad dates we need
(peildatum, aanmaakdatum, uitstroomdatum); a repeated ECK iD; no pupils.

Warnings (the file is read): spaces in surnames and infixes (leading, trailing, double) are put
right, since LAS exports have them and a school should not be blocked for it; `#` keys (unstable);
keys over 64 characters in files that say they are 1.0.3 or 2.0; another element order inside an
object (once per kind); unknown role codes (dropped: roles are for selection only); unknown
extension blocks (`toevoegingen/blok` of an unknown xsi:type, skipped unread, one warning per type);
an unknown xsdversie (read as 2.1). Fields we do not keep (geslacht, BSN, birth date, ethnicity,
countries, weights, postcodes, usernames, …) are accepted by name and never looked at.

A pupil has left (`left=True`) when `uitstroomdatum` is before `peildatum`, or, without peildatum,
before the file's `aanmaakdatum`, or without either, before 1 August of the school year.
"""

from __future__ import annotations

from collections.abc import Iterator

from klaspoort.core.i18n.texts import Text, deferred
from klaspoort.roster.edexml.assemble import Parts, assemble
from klaspoort.roster.edexml.document import Problem, ReadResult
from klaspoort.roster.edexml.records import read_group, read_pupil, read_school, read_staff, read_vestiging
from klaspoort.roster.edexml.report import Report
from klaspoort.roster.edexml.safe_xml import Element, XmlRejected, iter_events
from klaspoort.roster.edexml.shapes import local_name

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TOP_ORDER = ("school", "vestigingen", "groepen", "leerlingen", "leerkrachten")
BLOCK_ITEMS = {
    "vestigingen": frozenset({"vestiging"}),
    "groepen": frozenset({"groep", "samengestelde_groep"}),
    "leerlingen": frozenset({"leerling"}),
    "leerkrachten": frozenset({"leerkracht"}),
}
ORDER_TEXT = ", ".join(TOP_ORDER)


def default_max_bytes() -> int:
    """settings.EDEXML_MAX_BYTES when Django is configured, else 50 MB."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency
        return DEFAULT_MAX_BYTES
    if settings.configured:
        return int(getattr(settings, "EDEXML_MAX_BYTES", DEFAULT_MAX_BYTES))
    return DEFAULT_MAX_BYTES


def size_text(size: int) -> Text:
    """1536 -> "1,5 kB" (in English "1.5 kB"), 52428800 -> "50 MB"."""
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= scale:
            amount = round(size / scale, 1)
            number: float | int = int(amount) if amount == int(amount) else amount
            return (
                deferred("%(number)s MB", number=number)
                if unit == "MB"
                else deferred("%(number)s kB", number=number)
            )
    return deferred("%(number)d bytes", number=size)


def too_big(size: int, limit: int) -> Text:
    return deferred(
        "Het bestand is te groot (%(size)s); de grens is %(limit)s.",
        size=size_text(size),
        limit=size_text(limit),
    )


def read_edexml(data: bytes, *, max_bytes: int | None = None) -> ReadResult:
    limit = default_max_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        return ReadResult(document=None, errors=[Problem(0, too_big(len(data), limit))])
    walker = _Walker()
    try:
        walker.consume(iter_events(data))
    except XmlRejected as rejected:
        return ReadResult(document=None, errors=[Problem(rejected.line, rejected.message)])
    report = walker.report
    document = None if walker.stopped else assemble(walker.parts, report)
    errors, warnings = report.sorted_errors(), report.sorted_warnings()
    if errors:
        return ReadResult(document=None, errors=errors, warnings=warnings)
    return ReadResult(document=document, errors=[], warnings=warnings)


class _Walker:
    """Follows the element events; reads each object when its element is complete."""

    def __init__(self) -> None:
        self.report = Report()
        self.parts = Parts()
        self.stopped = False
        self._highest = -1

    def consume(self, events: Iterator[tuple[str, Element]]) -> None:
        depth = 0
        block: str | None = None
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1 and not self._root(element):
                    self.stopped = True
                    return
                if depth == 2:
                    block = self._open_block(element)
                continue
            if depth == 3 and block in BLOCK_ITEMS:
                self._item(block, element)
                _drop(element)
            elif depth == 2:
                if block == "school":
                    self.parts.school = read_school(element, self.report)
                block = None
                _drop(element)
            depth -= 1

    def _root(self, element: Element) -> bool:
        self.parts.root_line = element.sourceline or 1
        tag = element.tag
        assert isinstance(tag, str)
        if tag == "EDEX":
            return True
        if tag.startswith("{") and local_name(element) == "EDEX":
            namespace = tag[1:].split("}", 1)[0]
            message = deferred(
                "Het hoofdelement 'EDEX' heeft een namespace (%(namespace)s); een EDEXML-bestand gebruikt "
                "geen namespace.",
                namespace=namespace,
            )
        else:
            message = deferred(
                "Dit is geen EDEXML-bestand: het hoofdelement heet '%(element)s' in plaats van 'EDEX'.",
                element=local_name(element),
            )
        self.report.error(element.sourceline, message)
        return False

    def _open_block(self, element: Element) -> str | None:
        tag = element.tag
        line = element.sourceline or 0
        if tag not in TOP_ORDER:
            self.report.error(
                line,
                deferred(
                    "Onbekend element '%(element)s' in EDEX. Toegestaan zijn: %(allowed)s.",
                    element=local_name(element),
                    allowed=ORDER_TEXT,
                ),
            )
            return None
        assert isinstance(tag, str)
        rank = TOP_ORDER.index(tag)
        if tag in self.parts.blocks:
            self.report.error(
                line,
                deferred(
                    "Element '%(element)s' komt meer dan één keer voor; dat mag maar één keer.", element=tag
                ),
            )
        elif rank < self._highest:
            self.report.error(
                line,
                deferred(
                    "Element '%(element)s' staat op de verkeerde plek. De volgorde is: %(order)s.",
                    element=tag,
                    order=ORDER_TEXT,
                ),
            )
        self._highest = max(self._highest, rank)
        self.parts.blocks.setdefault(tag, line)
        return tag

    def _item(self, block: str, element: Element) -> None:
        if element.tag not in BLOCK_ITEMS[block]:
            self.report.error(
                element.sourceline,
                deferred(
                    "Onbekend element '%(element)s' in '%(block)s'.", element=local_name(element), block=block
                ),
            )
        elif block == "vestigingen":
            self.parts.vestigingen.append((read_vestiging(element, self.report), element.sourceline or 0))
        elif block == "groepen":
            self.parts.groups.append(read_group(element, self.report))
        elif block == "leerlingen":
            self.parts.pupils.append(read_pupil(element, self.report))
        else:
            self.parts.staff.append(read_staff(element, self.report))


def _drop(element: Element) -> None:
    """Free a finished element and its earlier siblings (keeps memory flat while streaming)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
