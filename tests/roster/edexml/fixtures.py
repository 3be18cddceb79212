"""Small EDEXML files for the tests (the project's own; never the official samples)."""

from __future__ import annotations

from dataclasses import replace

from klaspoort.roster.edexml.document import EdexDocument

SCHOOL = """\
  <school>
    <schooljaar>2026-2027</schooljaar>
    <peildatum>2026-10-01</peildatum>
    <brincode>12AB</brincode>
    <dependancecode>00</dependancecode>
    <schoolkey>4711</schoolkey>
    <aanmaakdatum>2026-10-02T08:00:00</aanmaakdatum>
    <auteur>ParnasSys</auteur>
    <xsdversie>2.1</xsdversie>
  </school>"""

GROUPS = """\
  <groepen>
    <groep key="G5">
      <naam>5A</naam>
      <jaargroep>5</jaargroep>
    </groep>
    <groep key="GC">
      <naam>7/8</naam>
      <jaargroep>C</jaargroep>
      <omschrijving>Combinatiegroep 7 en 8</omschrijving>
    </groep>
    <samengestelde_groep key="SG1">
      <naam>Plusklas rekenen</naam>
    </samengestelde_groep>
  </groepen>"""

PUPILS = """\
    <leerling key="L1" eckid="https://ketenid.nl/201703/aa">
      <achternaam>Vries</achternaam>
      <voorvoegsel>de</voorvoegsel>
      <roepnaam>Emma</roepnaam>
      <jaargroep>5</jaargroep>
      <groep key="G5"/>
      <samengestelde_groepen>
        <samengestelde_groep key="SG1"/>
      </samengestelde_groepen>
    </leerling>
    <leerling key="L2">
      <achternaam>Yilmaz</achternaam>
      <roepnaam>Noah</roepnaam>
      <jaargroep>8</jaargroep>
      <groep key="GC"/>
    </leerling>"""

STAFF = """\
    <leerkracht key="T1">
      <achternaam>Jansen</achternaam>
      <roepnaam>Marieke</roepnaam>
      <emailadres>marieke.jansen@regenboog.nl</emailadres>
      <rol>LRK</rol>
      <rol>ICT</rol>
      <groepen>
        <groep key="G5">
          <rol>LRK</rol>
        </groep>
        <samengestelde_groep key="SG1"/>
      </groepen>
    </leerkracht>"""


def edex(
    *,
    school: str = SCHOOL,
    groups: str = GROUPS,
    pupils: str = PUPILS,
    staff: str = STAFF,
    between: str = "",
) -> bytes:
    """A whole file; each part may be replaced. `between` goes between groups and pupils."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<EDEX xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
        school,
        groups,
        between,
        "  <leerlingen>",
        pupils,
        "  </leerlingen>",
    ]
    if staff:
        parts += ["  <leerkrachten>", staff, "  </leerkrachten>"]
    parts.append("</EDEX>")
    return "\n".join(part for part in parts if part).encode()


def line_of(data: bytes, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    found = 0
    for number, line in enumerate(data.decode().splitlines(), start=1):
        if needle in line:
            found += 1
            if found == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the file")


def without_lines(doc: EdexDocument) -> EdexDocument:
    """The document with line numbers and warnings cleared, to compare content."""
    return replace(
        doc,
        groups=tuple(replace(group, line=0) for group in doc.groups),
        pupils=tuple(replace(pupil, line=0) for pupil in doc.pupils),
        staff=tuple(replace(member, line=0) for member in doc.staff),
        warnings=(),
    )
