"""Write an EdexDocument as EDEXML 2.1 (UTF-8), in the schema's element order.

The output validates against the official 2.1 schema except for its outdated `schooljaar`
enumeration (which ends at 2024-2025). Reading it back gives the same document: a pupil who has left
gets an `uitstroomdatum` the day before the date the reader compares with.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import EdexDocument, EdexGroup, EdexPupil, EdexSchool, EdexStaff

Element = etree._Element


def _add(parent: Element, tag: str, value: str | None = None, **attributes: str) -> Element:
    element = etree.SubElement(parent, tag, attributes)
    if value is not None:
        element.text = value
    return element


def _school(root: Element, school: EdexSchool, created_at: dt.datetime | None) -> None:
    element = _add(root, "school")
    _add(element, "schooljaar", school.school_year)
    if school.peildatum:
        _add(element, "peildatum", school.peildatum.isoformat())
    if school.brin:
        _add(element, "brincode", school.brin)
        if school.location_code:
            _add(element, "dependancecode", school.location_code)
    elif school.instellingsnummer:
        _add(element, "instellingsnummer", school.instellingsnummer)
    if school.schoolkey:
        _add(element, "schoolkey", school.schoolkey)
    if created_at is not None:
        _add(element, "aanmaakdatum", created_at.replace(tzinfo=None, microsecond=0).isoformat())
    if school.author:
        _add(element, "auteur", school.author)
    _add(element, "xsdversie", codes.CURRENT_VERSION)


def _group(parent: Element, group: EdexGroup) -> None:
    element = _add(parent, "groep" if group.kind == "home" else "samengestelde_groep", key=group.key)
    _add(element, "naam", group.name)
    if group.kind == "home":
        _add(element, "jaargroep", group.year_group)
    if group.description:
        _add(element, "omschrijving", group.description)


def _names(element: Element, person: EdexPupil | EdexStaff, label: str) -> None:
    if person.surname:
        _add(element, "achternaam", person.surname)
        if person.infix:
            _add(element, "voorvoegsel", person.infix)
    elif not person.first_name:
        raise ValueError(f"{label} '{person.key}' has neither a first name nor a surname")
    if person.first_name:
        _add(element, "roepnaam", person.first_name)


def _attributes(person: EdexPupil | EdexStaff) -> dict[str, str]:
    return {"key": person.key, "eckid": person.eck_id} if person.eck_id else {"key": person.key}


def _pupil(parent: Element, pupil: EdexPupil, left_on: dt.date) -> None:
    element = _add(parent, "leerling", **_attributes(pupil))
    _names(element, pupil, "pupil")
    if pupil.year_group:
        _add(element, "jaargroep", pupil.year_group)
    if pupil.group_key is not None:
        _add(element, "groep", key=pupil.group_key)
    if pupil.composite_keys:
        composites = _add(element, "samengestelde_groepen")
        for key in pupil.composite_keys:
            _add(composites, "samengestelde_groep", key=key)
    if pupil.left:
        _add(element, "uitstroomdatum", left_on.isoformat())


def _staff(parent: Element, staff: EdexStaff, composite_keys: set[str]) -> None:
    element = _add(parent, "leerkracht", **_attributes(staff))
    _names(element, staff, "staff member")
    if staff.email:
        _add(element, "emailadres", staff.email)
    for role in staff.roles:
        _add(element, "rol", role)
    if staff.groups:
        groups = _add(element, "groepen")
        for link in staff.groups:
            tag = "samengestelde_groep" if link.key in composite_keys else "groep"
            link_element = _add(groups, tag, key=link.key)
            for role in link.roles:
                _add(link_element, "rol", role)


def write_edexml(doc: EdexDocument, *, created_at: dt.datetime | None = None) -> bytes:
    """EDEXML 2.1 bytes for `doc`. `created_at`, when given, is written as `aanmaakdatum`."""
    xsi = codes.XSI_NS
    root = etree.Element("EDEX", nsmap={"xsi": xsi})
    root.set(f"{{{xsi}}}noNamespaceSchemaLocation", "EDEXML.structuur.xsd")
    _school(root, doc.school, created_at)
    if doc.groups:
        groups = _add(root, "groepen")
        for group in doc.groups:
            _group(groups, group)
    pupils = _add(root, "leerlingen")
    reference = codes.leave_reference(doc.school, created_at.date() if created_at else None)
    assert reference is not None  # a document always has a school year
    left_on = reference - dt.timedelta(days=1)
    for pupil in doc.pupils:
        _pupil(pupils, pupil, left_on)
    if doc.staff:
        composite_keys = {group.key for group in doc.groups if group.kind == "composite"}
        staff = _add(root, "leerkrachten")
        for member in doc.staff:
            _staff(staff, member, composite_keys)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        root, encoding="UTF-8", pretty_print=True
    )
