"""The EDEXML 2.1 writer: structure, order and what a reader gets back."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from lxml import etree

from klaspoort.roster.edexml.document import (
    EdexDocument,
    EdexGroup,
    EdexPupil,
    EdexSchool,
    EdexStaff,
    EdexStaffGroup,
)
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml
from tests.roster.edexml.fixtures import without_lines

SCHOOL = EdexSchool(school_year="2026-2027", brin="12AB", location_code="00", peildatum=dt.date(2026, 10, 1))
DOC = EdexDocument(
    version="2.1",
    school=SCHOOL,
    groups=(
        EdexGroup("G1", "5A", "home", "5"),
        EdexGroup("S1", "Plusklas & co <rekenen>", "composite", description="Voor wie meer wil"),
    ),
    pupils=(
        EdexPupil("P1", "Zoë", "Jong", infix="de", eck_id="https://ketenid.nl/201703/ab", year_group="5",
                  group_key="G1", composite_keys=("S1",)),
        EdexPupil("P2", "", "Öztürk", year_group="6", left=True),
        EdexPupil("P3", "Sem", "", year_group="5", group_key="G1"),
    ),
    staff=(
        EdexStaff("T1", "Anouk", "Berg", infix="van den", email="a.vandenberg@school.nl", roles=("LRK", "IB"),
                  groups=(EdexStaffGroup("G1", ("LRK",)), EdexStaffGroup("S1", ()))),
    ),
)  # fmt: skip


def tree(doc: EdexDocument, **kwargs: dt.datetime) -> etree._Element:
    return etree.fromstring(write_edexml(doc, **kwargs))


def tags(element: etree._Element) -> list[str]:
    return [str(child.tag) for child in element]


def test_output_is_utf8_edexml_21_in_schema_order() -> None:
    data = write_edexml(DOC)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<EDEX ')
    root = etree.fromstring(data)
    assert root.tag == "EDEX"
    assert (
        root.get("{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation")
        == "EDEXML.structuur.xsd"
    )
    assert tags(root) == ["school", "groepen", "leerlingen", "leerkrachten"]
    school = root.find("school")
    assert school is not None
    assert [(child.tag, child.text) for child in school] == [
        ("schooljaar", "2026-2027"),
        ("peildatum", "2026-10-01"),
        ("brincode", "12AB"),
        ("dependancecode", "00"),
        ("xsdversie", "2.1"),
    ]
    assert "Zoë".encode() in data


def test_objects_have_their_elements_in_schema_order() -> None:
    root = tree(DOC)
    groups = root.findall("groepen/*")
    assert [(group.tag, group.get("key"), tags(group)) for group in groups] == [
        ("groep", "G1", ["naam", "jaargroep"]),
        ("samengestelde_groep", "S1", ["naam", "omschrijving"]),
    ]
    assert groups[1].findtext("naam") == "Plusklas & co <rekenen>"
    pupils = root.findall("leerlingen/leerling")
    assert [(pupil.attrib, tags(pupil)) for pupil in pupils] == [
        (
            {"key": "P1", "eckid": "https://ketenid.nl/201703/ab"},
            ["achternaam", "voorvoegsel", "roepnaam", "jaargroep", "groep", "samengestelde_groepen"],
        ),
        ({"key": "P2"}, ["achternaam", "jaargroep", "uitstroomdatum"]),
        ({"key": "P3"}, ["roepnaam", "jaargroep", "groep"]),
    ]
    assert pupils[1].findtext("uitstroomdatum") == "2026-09-30"
    staff = root.find("leerkrachten/leerkracht")
    assert staff is not None
    assert tags(staff) == ["achternaam", "voorvoegsel", "roepnaam", "emailadres", "rol", "rol", "groepen"]
    assert [
        (link.tag, link.get("key"), [role.text for role in link]) for link in staff.findall("groepen/*")
    ] == [
        ("groep", "G1", ["LRK"]),
        ("samengestelde_groep", "S1", []),
    ]


def test_creation_time_flemish_school_and_no_staff() -> None:
    school = EdexSchool(school_year="2026-2027", instellingsnummer="1234", schoolkey="99", author="klaspoort")
    doc = replace(DOC, school=school, staff=())
    root = tree(doc, created_at=dt.datetime(2026, 11, 2, 9, 30, 15, 123, tzinfo=dt.UTC))
    assert tags(root) == ["school", "groepen", "leerlingen"]
    assert [(child.tag, child.text) for child in root.find("school")] == [  # type: ignore[union-attr]
        ("schooljaar", "2026-2027"),
        ("instellingsnummer", "1234"),
        ("schoolkey", "99"),
        ("aanmaakdatum", "2026-11-02T09:30:15"),
        ("auteur", "klaspoort"),
        ("xsdversie", "2.1"),
    ]
    # no peildatum: the creation date decides who has left
    assert root.findtext("leerlingen/leerling[@key='P2']/uitstroomdatum") == "2026-11-01"


@pytest.mark.parametrize("created", [None, dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)])
@pytest.mark.parametrize("peildatum", [None, dt.date(2026, 10, 1)])
def test_read_after_write_gives_the_same_document(
    created: dt.datetime | None, peildatum: dt.date | None
) -> None:
    doc = replace(DOC, school=replace(SCHOOL, peildatum=peildatum))
    result = read_edexml(
        write_edexml(doc, created_at=created) if created else write_edexml(doc), max_bytes=10**6
    )
    assert result.errors == []
    assert result.document is not None
    assert without_lines(result.document) == doc


def test_a_person_without_any_name_cannot_be_written() -> None:
    doc = replace(DOC, pupils=(EdexPupil("P9", "", "", year_group="5"),))
    with pytest.raises(ValueError, match="pupil 'P9' has neither a first name nor a surname"):
        write_edexml(doc)
