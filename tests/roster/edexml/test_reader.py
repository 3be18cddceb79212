"""The EDEXML reader: what it takes from a good file, and every rule with its exact message and line."""

from __future__ import annotations

import datetime as dt

import pytest

from klaspoort.roster.edexml.document import (
    EdexGroup,
    EdexPupil,
    EdexSchool,
    EdexStaff,
    EdexStaffGroup,
    Problem,
    ReadResult,
)
from klaspoort.roster.edexml.reader import read_edexml
from tests.roster.edexml.fixtures import GROUPS, PUPILS, SCHOOL, STAFF, edex, line_of

MB = 1024 * 1024


def read(data: bytes) -> ReadResult:
    return read_edexml(data, max_bytes=MB)


def errors(data: bytes) -> list[tuple[int, str]]:
    result = read(data)
    assert result.document is None
    assert not result.ok
    return [(problem.line, problem.message) for problem in result.errors]


def warnings(data: bytes) -> list[tuple[int, str]]:
    result = read(data)
    assert result.errors == []
    assert result.document is not None
    assert list(result.document.warnings) == result.warnings
    return [(problem.line, problem.message) for problem in result.warnings]


def pupil(data: bytes, index: int = 0) -> EdexPupil:
    result = read(data)
    assert result.errors == [], result.errors
    assert result.document is not None
    return result.document.pupils[index]


def test_a_good_file_gives_the_whole_roster() -> None:
    data = edex()
    result = read(data)

    assert result.ok
    assert result.errors == []
    assert result.warnings == []
    document = result.document
    assert document is not None
    assert document.version == "2.1"
    assert document.school == EdexSchool(
        school_year="2026-2027",
        brin="12AB",
        location_code="00",
        schoolkey="4711",
        peildatum=dt.date(2026, 10, 1),
        author="ParnasSys",
    )
    assert document.groups == (
        EdexGroup("G5", "5A", "home", "5", line=line_of(data, 'groep key="G5"')),
        EdexGroup("GC", "7/8", "home", "C", "Combinatiegroep 7 en 8", line=line_of(data, 'key="GC"')),
        EdexGroup(
            "SG1", "Plusklas rekenen", "composite", line=line_of(data, 'samengestelde_groep key="SG1"')
        ),
    )
    assert document.pupils == (
        EdexPupil(
            key="L1",
            first_name="Emma",
            surname="Vries",
            infix="de",
            eck_id="https://ketenid.nl/201703/aa",
            year_group="5",
            group_key="G5",
            composite_keys=("SG1",),
            line=line_of(data, 'leerling key="L1"'),
        ),
        EdexPupil(
            key="L2",
            first_name="Noah",
            surname="Yilmaz",
            year_group="8",
            group_key="GC",
            line=line_of(data, 'leerling key="L2"'),
        ),
    )
    assert document.staff == (
        EdexStaff(
            key="T1",
            first_name="Marieke",
            surname="Jansen",
            email="marieke.jansen@regenboog.nl",
            roles=("LRK", "ICT"),
            groups=(EdexStaffGroup("G5", ("LRK",)), EdexStaffGroup("SG1", ())),
            line=line_of(data, 'leerkracht key="T1"'),
        ),
    )


def test_problem_text_puts_the_line_first() -> None:
    assert str(Problem(12, "Leerling 'L3' verwijst naar groep 'G9'.")) == (
        "Regel 12: leerling 'L3' verwijst naar groep 'G9'."
    )
    assert str(Problem(0, "Het bestand is leeg.")) == "Het bestand is leeg."
    assert str(Problem(3, "'groepen' staat fout.")) == "Regel 3: 'groepen' staat fout."
    assert Problem(4, "x").as_dict() == {"line": 4, "message": "x"}


# --- references -----------------------------------------------------------------------------------


def test_pupil_referring_to_a_missing_group() -> None:
    data = edex(pupils=PUPILS.replace('<groep key="GC"/>', '<groep key="G9"/>'))
    assert errors(data) == [
        (
            line_of(data, 'groep key="G9"'),
            "Leerling 'L2' verwijst naar groep 'G9', maar die staat niet in het bestand.",
        )
    ]


def test_all_broken_references_are_reported_at_once_in_line_order() -> None:
    pupils = (
        PUPILS.replace('<groep key="G5"/>', '<groep key="SG1"/>')
        .replace('<samengestelde_groep key="SG1"/>', '<samengestelde_groep key="SG7"/>')
        .replace('<groep key="GC"/>', '<groep key="GC"/>\n      <vestiging key="V1"/>')
    )
    staff = STAFF.replace('<groep key="G5">', '<groep key="G6">').replace(
        '<samengestelde_groep key="SG1"/>', '<samengestelde_groep key="G5"/>'
    )
    data = edex(pupils=pupils, staff=staff)
    assert errors(data) == [
        (
            line_of(data, '<groep key="SG1"/>'),
            "Leerling 'L1' verwijst naar groep 'SG1', maar dat is een samengestelde groep.",
        ),
        (
            line_of(data, 'samengestelde_groep key="SG7"'),
            "Leerling 'L1' verwijst naar samengestelde groep 'SG7', maar die staat niet in het bestand.",
        ),
        (
            line_of(data, 'vestiging key="V1"'),
            "Leerling 'L2' verwijst naar vestiging 'V1', maar die staat niet in het bestand.",
        ),
        (
            line_of(data, '<groep key="G6">'),
            "Leerkracht 'T1' verwijst naar groep 'G6', maar die staat niet in het bestand.",
        ),
        (
            line_of(data, 'samengestelde_groep key="G5"'),
            "Leerkracht 'T1' verwijst naar samengestelde groep 'G5', maar dat is een stamgroep (groep).",
        ),
    ]


def test_vestigingen_are_checked_but_not_kept() -> None:
    vestigingen = """\
  <vestigingen>
    <vestiging key="V1">
      <naam>Hoofdgebouw</naam>
    </vestiging>
  </vestigingen>"""
    school = SCHOOL
    data = edex(
        school=school + "\n" + vestigingen,
        pupils=PUPILS.replace('<groep key="GC"/>', '<groep key="GC"/>\n      <vestiging key="V1"/>'),
    )
    assert pupil(data, 1).group_key == "GC"


# --- keys -----------------------------------------------------------------------------------------


def duplicate(what: str, key: str, first_line: int) -> str:
    return f"De key '{key}' van een {what} komt al voor op regel {first_line}; keys moeten uniek zijn."


def test_keys_are_unique_per_kind_and_across_both_group_kinds() -> None:
    groups = GROUPS.replace('samengestelde_groep key="SG1"', 'samengestelde_groep key="G5"')
    pupils = PUPILS.replace('key="L2"', 'key="L1"').replace('<samengestelde_groep key="SG1"/>', "")
    staff = (
        STAFF.replace('<samengestelde_groep key="SG1"/>', "")
        + "\n"
        + STAFF.replace('<samengestelde_groep key="SG1"/>', "")
    )
    data = edex(groups=groups, pupils=pupils, staff=staff)
    assert errors(data) == [
        (
            line_of(data, 'samengestelde_groep key="G5"'),
            duplicate("groep", "G5", line_of(data, 'groep key="G5"')),
        ),
        (line_of(data, 'key="L1"', 2), duplicate("leerling", "L1", line_of(data, 'key="L1"'))),
        (line_of(data, 'key="T1"', 2), duplicate("leerkracht", "T1", line_of(data, 'key="T1"'))),
    ]


def test_keys_and_references_are_trimmed() -> None:
    data = edex(
        pupils=PUPILS.replace('key="L1"', 'key="  L1 "').replace('<groep key="G5"/>', '<groep key=" G5"/>')
    )
    assert (pupil(data).key, pupil(data).group_key) == ("L1", "G5")


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("", "Een leerling heeft geen 'key'-attribuut; dat is verplicht."),
        ('key="  "', "Een leerling heeft een lege key."),
        (f'key="{"x" * 257}"', "De key van een leerling is 257 tekens lang; het maximum is 256."),
    ],
)
def test_bad_keys(attribute: str, message: str) -> None:
    data = edex(pupils=PUPILS.replace('key="L2"', attribute))
    assert errors(data) == [(line_of(data, "<achternaam>Yilmaz") - 1, message)]


def test_long_keys_in_old_versions_and_unstable_keys_only_warn() -> None:
    long_key = "k" * 65
    school = SCHOOL.replace("<xsdversie>2.1</xsdversie>", "<xsdversie>2.0</xsdversie>")
    pupils = PUPILS.replace('key="L1"', f'key="{long_key}"').replace('key="L2"', 'key="#2"')
    data = edex(school=school, pupils=pupils, staff=STAFF.replace('key="T1"', 'key="#T1"'))
    assert warnings(data) == [
        (
            line_of(data, long_key),
            "1 leerling met een key langer dan 64 tekens; dat mag pas vanaf EDEXML 2.1 (het bestand noemt 2.0).",
        ),
        (
            line_of(data, 'key="#2"'),
            "1 leerling heeft een key die met '#' begint (de eerste: '#2'). Zulke keys zijn niet stabiel; "
            "deze records worden op andere gegevens herkend.",
        ),
        (
            line_of(data, 'key="#T1"'),
            "1 leerkracht heeft een key die met '#' begint (de eerste: '#T1'). Zulke keys zijn niet stabiel; "
            "deze records worden op andere gegevens herkend.",
        ),
    ]
    assert read(data).document.pupils[1].unstable_key  # type: ignore[union-attr]


def test_eck_ids_are_unique() -> None:
    data = edex(
        pupils=PUPILS.replace(
            '<leerling key="L2">', '<leerling key="L2" eckid="https://ketenid.nl/201703/aa">'
        )
    )
    assert errors(data) == [
        (line_of(data, 'key="L2"'), "Leerling 'L2' heeft hetzelfde ECK iD als 'L1'; dat moet uniek zijn.")
    ]


# --- year groups ----------------------------------------------------------------------------------


def test_unknown_and_missing_year_groups() -> None:
    groups = GROUPS.replace("<jaargroep>5</jaargroep>", "<jaargroep>9</jaargroep>").replace(
        "<jaargroep>C</jaargroep>\n", ""
    )
    data = edex(groups=groups, pupils=PUPILS.replace("<jaargroep>8</jaargroep>", "<jaargroep>X</jaargroep>"))
    help_text = "Geldig zijn B, D, 0 t/m 8, 11 t/m 16, S, V, C, N en H."
    assert errors(data) == [
        (line_of(data, "<jaargroep>9"), f"Groep 'G5' heeft een onbekende jaargroep '9'. {help_text}"),
        (line_of(data, 'groep key="GC"'), "Groep 'GC' heeft geen jaargroep; die is verplicht."),
        (line_of(data, "<jaargroep>X"), f"Leerling 'L2' heeft een onbekende jaargroep 'X'. {help_text}"),
    ]


def test_a_pupil_without_year_group_takes_the_year_of_the_home_group() -> None:
    data = edex(pupils=PUPILS.replace("<jaargroep>5</jaargroep>", ""))
    assert pupil(data).year_group == "5"


def test_a_pupil_without_year_group_in_a_combination_group_or_without_group_is_an_error() -> None:
    pupils = PUPILS.replace("<jaargroep>8</jaargroep>", "").replace("<jaargroep>5</jaargroep>", "")
    pupils = pupils.replace('<groep key="G5"/>', "")
    data = edex(pupils=pupils)
    assert errors(data) == [
        (
            line_of(data, 'key="L1"'),
            "Leerling 'L1' heeft geen jaargroep en geen stamgroep; geef de jaargroep op.",
        ),
        (
            line_of(data, 'key="L2"'),
            "Leerling 'L2' heeft geen jaargroep en zit in combinatiegroep 'GC' (jaargroep C); "
            "geef de jaargroep van de leerling op.",
        ),
    ]


# --- school ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["1999-2000", "2026-2027", "2087-2088"])
def test_any_consecutive_school_year_is_accepted(year: str) -> None:
    result = read(edex(school=SCHOOL.replace("2026-2027", year)))
    assert result.document is not None
    assert result.document.school.school_year == year
    assert result.document.school.start_year == int(year[:4])


@pytest.mark.parametrize("year", ["2026-2028", "2026/2027", "26-27", "2027-2026"])
def test_other_school_years_are_refused(year: str) -> None:
    data = edex(school=SCHOOL.replace("2026-2027", year))
    assert errors(data) == [
        (
            line_of(data, "<schooljaar>"),
            f"Schooljaar '{year}' is ongeldig: verwacht twee opeenvolgende jaren, bijvoorbeeld 2026-2027.",
        )
    ]


def test_school_codes_are_checked() -> None:
    school = SCHOOL.replace("12AB", "1AB2").replace("<dependancecode>00", "<dependancecode>A")
    school = school.replace("<schooljaar>2026-2027</schooljaar>\n", "")
    data = edex(school=school)
    assert errors(data) == [
        (line_of(data, "<school>"), "Het schooljaar ontbreekt in 'school' (bijvoorbeeld 2026-2027)."),
        (
            line_of(data, "<brincode>"),
            "Brincode '1AB2' is ongeldig: verwacht 2 cijfers en 2 letters, bijvoorbeeld 12AB.",
        ),
        (
            line_of(data, "<dependancecode>"),
            "Dependancecode 'A' is ongeldig: verwacht 2 cijfers, bijvoorbeeld 00.",
        ),
    ]


def test_flemish_files_expose_the_instellingsnummer() -> None:
    school = SCHOOL.replace(
        "<brincode>12AB</brincode>\n    <dependancecode>00</dependancecode>",
        "<instellingsnummer>1234</instellingsnummer>",
    )
    result = read(edex(school=school))
    assert result.document is not None
    assert (result.document.school.instellingsnummer, result.document.school.brin) == ("1234", "")


def test_brincode_and_instellingsnummer_together_is_an_error() -> None:
    school = SCHOOL.replace(
        "<dependancecode>00</dependancecode>", "<instellingsnummer>12</instellingsnummer>"
    )
    data = edex(school=school)
    assert errors(data) == [
        (
            line_of(data, "<instellingsnummer>"),
            "'school' heeft zowel een brincode als een instellingsnummer; kies één van beide.",
        )
    ]


# --- who has left ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("school", "left_on", "left"),
    [
        (SCHOOL, "2026-09-30", True),
        (SCHOOL, "2026-10-01", False),
        (SCHOOL, "2027-07-01", False),
        # no peildatum: the creation date counts
        (SCHOOL.replace("<peildatum>2026-10-01</peildatum>\n", ""), "2026-10-01", True),
        # neither: the start of the school year
        (
            SCHOOL.replace("<peildatum>2026-10-01</peildatum>\n", "").replace(
                "<aanmaakdatum>2026-10-02T08:00:00</aanmaakdatum>\n", ""
            ),
            "2026-07-31",
            True,
        ),
        (
            SCHOOL.replace("<peildatum>2026-10-01</peildatum>\n", "").replace(
                "<aanmaakdatum>2026-10-02T08:00:00</aanmaakdatum>\n", ""
            ),
            "2026-08-01",
            False,
        ),
    ],
)
def test_pupils_who_left_before_the_reference_date(school: str, left_on: str, left: bool) -> None:
    pupils = PUPILS.replace(
        "</samengestelde_groepen>",
        f"</samengestelde_groepen>\n      <uitstroomdatum>{left_on}</uitstroomdatum>",
    )
    assert pupil(edex(school=school, pupils=pupils)).left is left


def test_a_bad_leaving_date_is_an_error() -> None:
    pupils = PUPILS.replace(
        "</samengestelde_groepen>",
        "</samengestelde_groepen>\n      <uitstroomdatum>1-8-2026</uitstroomdatum>",
    )
    data = edex(pupils=pupils)
    assert errors(data) == [
        (
            line_of(data, "<uitstroomdatum>"),
            "'uitstroomdatum' van leerling 'L1' is geen geldige datum: '1-8-2026' (verwacht JJJJ-MM-DD).",
        )
    ]


# --- names ----------------------------------------------------------------------------------------


def test_spaces_in_surnames_and_infixes_are_put_right_with_a_warning() -> None:
    pupils = PUPILS.replace(
        "<achternaam>Vries</achternaam>", "<achternaam> Vries  Mulder </achternaam>"
    ).replace("<voorvoegsel>de</voorvoegsel>", "<voorvoegsel>van  der</voorvoegsel>")
    data = edex(pupils=pupils)
    assert warnings(data) == [
        (
            line_of(data, "<achternaam> Vries"),
            "Overbodige spaties in de achternaam van leerling 'L1' zijn weggehaald.",
        ),
        (
            line_of(data, "<voorvoegsel>"),
            "Overbodige spaties in het voorvoegsel van leerling 'L1' zijn weggehaald.",
        ),
    ]
    assert (pupil(data).surname, pupil(data).infix) == ("Vries Mulder", "van der")


def test_name_lengths_and_a_missing_name() -> None:
    pupils = PUPILS.replace(
        "<achternaam>Vries</achternaam>", f"<achternaam>{'a' * 201}</achternaam>"
    ).replace("<voorvoegsel>de</voorvoegsel>", "<voorvoegsel>van der ter</voorvoegsel>")
    pupils = pupils.replace(
        "<achternaam>Yilmaz</achternaam>\n      <roepnaam>Noah</roepnaam>", "<roepnaam> </roepnaam>"
    )
    data = edex(pupils=pupils)
    assert errors(data) == [
        (
            line_of(data, "<achternaam>aaa"),
            "De achternaam van leerling 'L1' is 201 tekens lang; het maximum is 200.",
        ),
        (
            line_of(data, "<voorvoegsel>"),
            "Het voorvoegsel van leerling 'L1' is 11 tekens lang; het maximum is 10.",
        ),
        (line_of(data, 'key="L2"'), "Leerling 'L2' heeft geen naam: 'achternaam' of 'roepnaam' ontbreekt."),
    ]


def test_first_name_is_the_call_name_else_the_first_given_name() -> None:
    pupils = PUPILS.replace(
        "<roepnaam>Emma</roepnaam>",
        "<voornamen>Emma Johanna</voornamen>\n      <voorletters-1>EJ</voorletters-1>",
    )
    pupils = pupils.replace("<achternaam>Yilmaz</achternaam>\n", "")
    data = edex(pupils=pupils)
    assert (pupil(data).first_name, pupil(data).surname) == ("Emma", "Vries")
    assert (pupil(data, 1).first_name, pupil(data, 1).surname) == ("Noah", "")


# --- structure ------------------------------------------------------------------------------------


def test_unknown_and_repeated_elements_in_objects_are_errors() -> None:
    pupils = PUPILS.replace(
        "<roepnaam>Noah</roepnaam>", "<roepnaam>Noah</roepnaam>\n      <schoenmaat>31</schoenmaat>"
    )
    pupils = pupils.replace(
        "<roepnaam>Emma</roepnaam>", "<roepnaam>Emma</roepnaam>\n      <roepnaam>Em</roepnaam>"
    )
    data = edex(pupils=pupils)
    assert errors(data) == [
        (line_of(data, "<roepnaam>Em<"), "Element 'roepnaam' komt meer dan één keer voor in leerling 'L1'."),
        (
            line_of(data, "<schoenmaat>"),
            "Onbekend element 'schoenmaat' in leerling 'L2'; dat hoort niet in EDEXML.",
        ),
    ]


def test_a_different_order_inside_an_object_is_read_with_one_warning() -> None:
    pupils = PUPILS.replace(
        '<jaargroep>5</jaargroep>\n      <groep key="G5"/>',
        '<groep key="G5"/>\n      <mutatiedatum>2026-09-01T10:00:00</mutatiedatum>\n      <jaargroep>5</jaargroep>',
    ).replace(
        '<jaargroep>8</jaargroep>\n      <groep key="GC"/>',
        '<groep key="GC"/>\n      <mutatiedatum>2026-09-01T10:00:00</mutatiedatum>\n      <jaargroep>8</jaargroep>',
    )
    data = edex(pupils=pupils)
    assert warnings(data) == [
        (
            line_of(data, "<jaargroep>5", 2),
            "In leerling 'L1' staat 'jaargroep' na 'mutatiedatum'; de standaard schrijft een andere volgorde voor. "
            "Het bestand is toch gelezen; deze melding komt één keer per soort gegevens.",
        )
    ]
    assert (pupil(data).year_group, pupil(data, 1).year_group) == ("5", "8")


def test_unknown_top_level_elements_are_errors() -> None:
    data = edex(
        school=SCHOOL.replace("<school>", "<foo>\n    <school>").replace("</school>", "</school>\n  </foo>")
    )
    assert errors(data) == [
        (2, "Het bestand bevat geen 'school' (met schooljaar en brincode)."),
        (
            line_of(data, "<foo>"),
            "Onbekend element 'foo' in EDEX. Toegestaan zijn: school, vestigingen, groepen, leerlingen, leerkrachten.",
        ),
    ]


def test_a_block_may_appear_only_once() -> None:
    data = edex(staff=STAFF + "\n  </leerkrachten>\n  <leerkrachten>\n" + STAFF.replace('"T1"', '"T2"'))
    assert errors(data) == [
        (
            line_of(data, "<leerkrachten>", 2),
            "Element 'leerkrachten' komt meer dan één keer voor; dat mag maar één keer.",
        )
    ]


def test_groups_after_pupils_are_out_of_order() -> None:
    data = edex(groups="", staff="").replace(b"</leerlingen>", b"</leerlingen>\n" + GROUPS.encode())
    assert errors(data) == [
        (
            line_of(data, "<groepen>"),
            "Element 'groepen' staat op de verkeerde plek. De volgorde is: school, vestigingen, groepen, "
            "leerlingen, leerkrachten.",
        )
    ]


def test_unknown_elements_inside_blocks_are_errors() -> None:
    data = edex(groups=GROUPS.replace("<groepen>", '<groepen>\n    <klas key="K"/>'))
    assert errors(data) == [(line_of(data, "<klas"), "Onbekend element 'klas' in 'groepen'.")]


@pytest.mark.parametrize(
    "data",
    [
        edex(pupils=""),
        edex(pupils="").replace(b"  <leerlingen>\n  </leerlingen>\n", b""),
    ],
)
def test_a_file_without_pupils_is_refused(data: bytes) -> None:
    line = line_of(data, "<leerlingen>") if b"<leerlingen>" in data else 2
    assert errors(data) == [
        (line, "Het bestand bevat geen leerlingen; een EDEXML-bestand moet minstens één leerling hebben.")
    ]


def test_a_file_without_school_is_refused() -> None:
    data = edex(school="")
    assert errors(data) == [(2, "Het bestand bevat geen 'school' (met schooljaar en brincode).")]


# --- extensions, roles ----------------------------------------------------------------------------

EXTENSION = """\
      <toevoegingen>
        <blok xsi:type="VolgsysteemVOType">
          <code>VolgsysteemVO</code>
          <leerling><bsn_ondwnr-4>1234</bsn_ondwnr-4></leerling>
        </blok>
        <blok xsi:type="OpmerkingGegevensType">
          <code>Opmerking</code>
          <opmerking/>
        </blok>
      </toevoegingen>"""


def test_unknown_extension_blocks_are_skipped_with_one_warning_per_type() -> None:
    pupils = PUPILS.replace("</samengestelde_groepen>", "</samengestelde_groepen>\n" + EXTENSION).replace(
        '<groep key="GC"/>', '<groep key="GC"/>\n' + EXTENSION
    )
    data = edex(pupils=pupils)
    assert warnings(data) == [
        (
            line_of(data, "VolgsysteemVOType"),
            "2 uitbreidingsblokken (type 'VolgsysteemVOType') zijn overgeslagen: dat type kennen we niet.",
        )
    ]
    assert pupil(data).group_key == "G5"


def test_unknown_roles_are_dropped_with_a_warning() -> None:
    data = edex(
        staff=STAFF.replace(
            "<rol>ICT</rol>",
            "<rol>ICT</rol>\n      <rol>XYZ</rol>\n      <rolomschrijving>Manusje van alles</rolomschrijving>",
        )
    )
    assert warnings(data) == [
        (line_of(data, "<rol>XYZ"), "Leerkracht 'T1' heeft een onbekende rol 'XYZ'; die is genegeerd.")
    ]
    document = read(data).document
    assert document is not None
    assert document.staff[0].roles == ("LRK", "ICT")


# --- privacy --------------------------------------------------------------------------------------

PRIVATE = """\
      <geboortedatum>2016-03-14</geboortedatum>
      <geslacht>2</geslacht>
      <start_ondw_jgr3>2020-08-17</start_ondw_jgr3>
      <jaargroep>5</jaargroep>
      <groep key="G5"/>
      <gebruikersnaam>emma.devries</gebruikersnaam>
      <emailadres>emma@thuis.example</emailadres>
      <etniciteit>9</etniciteit>
      <land>MA</land>
      <land_vader>TR</land_vader>
      <land_moeder>SR</land_moeder>
      <bsn>123456782</bsn>
      <gewicht_nieuw>0,3</gewicht_nieuw>
      <postcodenl>6971VB</postcodenl>
      <instroomdatum>2020-08-17</instroomdatum>"""


def test_private_data_is_read_past_and_never_kept() -> None:
    pupils = PUPILS.replace('<jaargroep>5</jaargroep>\n      <groep key="G5"/>', PRIVATE)
    document = read(edex(pupils=pupils)).document
    assert document is not None
    emma = document.pupils[0]
    assert emma == EdexPupil(
        key="L1",
        first_name="Emma",
        surname="Vries",
        infix="de",
        eck_id="https://ketenid.nl/201703/aa",
        year_group="5",
        group_key="G5",
        composite_keys=("SG1",),
        line=emma.line,
    )
    text = repr(document)
    for value in (
        "2016-03-14",
        "123456782",
        "6971VB",
        "MA",
        "TR",
        "SR",
        "0,3",
        "emma@thuis",
        "emma.devries",
        "2020-08-17",
    ):
        assert value not in text


def test_codes_are_read_case_insensitively() -> None:
    groups = GROUPS.replace("<jaargroep>C</jaargroep>", "<jaargroep>c</jaargroep>")
    data = edex(groups=groups, staff=STAFF.replace("<rol>ICT</rol>", "<rol> ict </rol>"))
    document = read(data).document
    assert document is not None
    assert document.groups[1].year_group == "C"
    assert document.staff[0].roles == ("LRK", "ICT")
