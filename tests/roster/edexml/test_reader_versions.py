"""EDEXML 1.0.3 and 2.0 files, encodings, and the smaller structural rules."""

from __future__ import annotations

from io import BytesIO, TextIOWrapper

import pytest
from django.core.management import call_command

from klaspoort.roster.edexml.document import EdexDocument, ReadResult
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.reader import read_edexml
from klaspoort.roster.edexml.writer import write_edexml
from tests.roster.edexml.fixtures import GROUPS, PUPILS, SCHOOL, STAFF, edex, line_of

OLD_SCHOOL = """\
  <school>
    <schooljaar>2012-2013</schooljaar>
    <brincode>99XX</brincode>
    <dependancecode>01</dependancecode>
    <schoolkey>99999</schoolkey>
    <aanmaakdatum>2013-03-27T12:43:06</aanmaakdatum>
    <auteur>Leerlingvolgsysteem 4.6</auteur>
    <xsdversie>1.03</xsdversie>
  </school>"""
OLD_GROUPS = """\
  <groepen>
    <groep key="49">
      <naam>1A</naam>
      <jaargroep>1</jaargroep>
      <mutatiedatum>2005-08-29T22:19:18</mutatiedatum>
    </groep>
  </groepen>"""
OLD_PUPILS = """\
    <leerling key="3580">
      <achternaam>Aa</achternaam>
      <voorvoegsel>v. d.</voorvoegsel>
      <roepnaam>Anouska</roepnaam>
      <geboortedatum>2008-09-09</geboortedatum>
      <geslacht>2</geslacht>
      <groep key="49"/>
      <etniciteit>9</etniciteit>
      <land>?</land>
      <sofinummer>123456782</sofinummer>
      <gewicht_nieuw>?</gewicht_nieuw>
      <gewicht>0.00</gewicht>
      <uitstroomdatum>2012-10-10</uitstroomdatum>
      <mutatiedatum>2011-01-24T15:33:29</mutatiedatum>
    </leerling>
    <leerling key="1071">
      <achternaam>Aar</achternaam>
      <roepnaam>Savannah</roepnaam>
      <jaargroep>2</jaargroep>
    </leerling>"""
OLD_STAFF = """\
    <leerkracht key="75">
      <achternaam>Adam</achternaam>
      <roepnaam>Nettie</roepnaam>
      <groepen>
        <groep key="49"/>
      </groepen>
      <mutatiedatum>2004-02-07T14:03:18</mutatiedatum>
    </leerkracht>"""


def document(data: bytes) -> EdexDocument:
    result = read_edexml(data, max_bytes=10**6)
    assert result.errors == []
    assert result.document is not None
    return result.document


def test_an_edexml_103_file() -> None:
    doc = document(edex(school=OLD_SCHOOL, groups=OLD_GROUPS, pupils=OLD_PUPILS, staff=OLD_STAFF))
    assert doc.version == "1.0.3"
    assert (doc.school.brin, doc.school.location_code, doc.school.schoolkey, doc.school.peildatum) == (
        "99XX",
        "01",
        "99999",
        None,
    )
    first, second = doc.pupils
    # year from the home group; left before the file was made (no peildatum in 1.0.3)
    assert (first.infix, first.year_group, first.group_key, first.left) == ("v. d.", "1", "49", True)
    assert (second.year_group, second.group_key, second.left) == ("2", None, False)
    assert doc.staff[0].groups[0].key == "49"
    assert doc.warnings == ()


@pytest.mark.parametrize(
    ("school", "pupils", "version"),
    [
        (SCHOOL, PUPILS, "2.1"),
        (SCHOOL.replace("<xsdversie>2.1", "<xsdversie>2.0"), PUPILS, "2.0"),
        (SCHOOL.replace("<xsdversie>2.1", "<xsdversie> 1.0.3 "), PUPILS, "1.0.3"),
        # no xsdversie: inferred from what the file uses
        (SCHOOL.replace("<xsdversie>2.1</xsdversie>\n", ""), PUPILS, "2.1"),  # eckid
        (
            SCHOOL.replace("<xsdversie>2.1</xsdversie>\n", ""),
            PUPILS.replace(' eckid="https://ketenid.nl/201703/aa"', ""),
            "2.0",
        ),
    ],
)
def test_versions(school: str, pupils: str, version: str) -> None:
    assert document(edex(school=school, pupils=pupils)).version == version


def test_a_file_without_version_or_newer_features_is_103() -> None:
    school = OLD_SCHOOL.replace("    <xsdversie>1.03</xsdversie>\n", "")
    assert (
        document(edex(school=school, groups=OLD_GROUPS, pupils=OLD_PUPILS, staff=OLD_STAFF)).version
        == "1.0.3"
    )


def test_an_unknown_version_is_read_as_21_with_a_warning() -> None:
    data = edex(school=SCHOOL.replace("<xsdversie>2.1", "<xsdversie>3.0"))
    result = read_edexml(data, max_bytes=10**6)
    assert result.document is not None
    assert result.document.version == "2.1"
    assert [(p.line, p.message) for p in result.warnings] == [
        (line_of(data, "<school>"), "Onbekende xsdversie '3.0'; het bestand is gelezen als EDEXML 2.1.")
    ]


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16"])
def test_other_encodings(encoding: str) -> None:
    text = (
        edex(pupils=PUPILS.replace("Emma", "Zoë"))
        .decode()
        .replace('encoding="UTF-8"', f'encoding="{encoding}"')
    )
    assert document(text.encode(encoding)).pupils[0].first_name == "Zoë"


def test_utf8_with_byte_order_mark() -> None:
    assert document(b"\xef\xbb\xbf" + edex()).pupils[0].key == "L1"


def test_comments_and_processing_instructions_are_ignored() -> None:
    data = edex(
        pupils=PUPILS.replace("<roepnaam>Emma</roepnaam>", "<!-- x --><roepnaam>Emma</roepnaam><?pi x?>")
    )
    assert document(data).pupils[0].first_name == "Emma"


def small_errors(data: bytes) -> list[tuple[int, str]]:
    result: ReadResult = read_edexml(data, max_bytes=10**6)
    assert result.document is None
    return [(problem.line, problem.message) for problem in result.errors]


def test_smaller_structural_rules() -> None:
    vestigingen = '  <vestigingen>\n    <vestiging key="V1"/>\n  </vestigingen>'
    groups = GROUPS.replace("<naam>5A</naam>", "<naam> </naam>").replace(
        "<naam>7/8</naam>", f"<naam>{'g' * 65}</naam>"
    )
    school = SCHOOL.replace("<brincode>12AB</brincode>\n", "")
    pupils = PUPILS.replace(
        '<samengestelde_groep key="SG1"/>', '<samengestelde_groep key="SG1"/>\n        <groep key="G5"/>'
    )
    pupils = pupils.replace("<roepnaam>Noah</roepnaam>", "<roepnaam>Noah</roepnaam>\n      <achternaam2/>")
    staff = STAFF.replace(
        '<samengestelde_groep key="SG1"/>',
        '<samengestelde_groep key="SG1"><klas/></samengestelde_groep>\n        <leerling key="L1"/>',
    )
    data = edex(school=school + "\n" + vestigingen, groups=groups, pupils=pupils, staff=staff)
    assert small_errors(data) == [
        (line_of(data, "<dependancecode>"), "Er staat een dependancecode zonder brincode in 'school'."),
        (line_of(data, '<vestiging key="V1"/>'), "Vestiging 'V1' heeft geen naam."),
        (line_of(data, 'groep key="G5"'), "Groep 'G5' heeft geen naam."),
        (line_of(data, "ggggg"), "De naam van groep 'GC' is 65 tekens lang; het maximum is 64."),
        (
            line_of(data, '<groep key="G5"/>', 2),
            "Onbekend element 'groep' in de samengestelde groepen van leerling 'L1'.",
        ),
        (
            line_of(data, "<achternaam2/>"),
            "Onbekend element 'achternaam2' in leerling 'L2'; dat hoort niet in EDEXML.",
        ),
        (line_of(data, "<klas/>"), "Onbekend element 'klas' in leerkracht 'T1'; dat hoort niet in EDEXML."),
        (
            line_of(data, '<leerling key="L1"/>'),
            "Onbekend element 'leerling' in de groepen van leerkracht 'T1'.",
        ),
    ]


def test_an_infix_without_surname_is_dropped_with_a_warning() -> None:
    pupils = PUPILS.replace("<achternaam>Vries</achternaam>\n", "")
    data = edex(pupils=pupils)
    result = read_edexml(data, max_bytes=10**6)
    assert result.document is not None
    assert (result.document.pupils[0].infix, result.document.pupils[0].surname) == ("", "")
    assert [(p.line, p.message) for p in result.warnings] == [
        (line_of(data, "<voorvoegsel>"), "Voorvoegsel zonder achternaam bij leerling 'L1' is genegeerd.")
    ]


def test_command_writes_bytes_when_stdout_has_a_buffer() -> None:
    raw = BytesIO()
    out = TextIOWrapper(raw, encoding="utf-8")
    call_command("generate_edexml", school="12AB00", pupils=12, year="2026-2027", stdout=out)
    assert raw.getvalue() == write_edexml(generate_roster("12AB00", 12, year="2026-2027"))
