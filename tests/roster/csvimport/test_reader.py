"""CSV rosters: the same records as EDEXML, every problem with its line and column."""

from __future__ import annotations

import pytest

from klaspoort.roster.csvimport import read_csv, template_csv
from klaspoort.roster.edexml.document import EdexPupil, EdexStaff, EdexStaffGroup

HEADER = "soort;key;naam;jaargroep;roepnaam;voorvoegsel;achternaam;groep;samengestelde_groepen;emailadres;schooljaar;brincode;dependancecode"
ROWS = [
    "school;;;;;;;;;;2026-2027;12AB;00",
    "groep;G5;5A;5;;;;;;;;;",
    "samengestelde_groep;PLUS;Plusklas;;;;;;;;;;",
    "leerling;L1;;;Zoë;de;Vries;G5;PLUS;;;;",
    "leerkracht;T1;;;Marieke;;Jansen;G5;PLUS;marieke@school.example;;;",
]


def text(header: str = HEADER, rows: list[str] | None = None, delimiter: str = ";") -> str:
    lines = [header, *(ROWS if rows is None else rows)]
    return "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"


def test_template_reads_back_without_problems() -> None:
    result = read_csv(template_csv(brin="12AB", location_code="00", school_year="2026-2027"))
    assert (result.errors, result.warnings) == ([], [])
    assert result.document is not None
    assert [pupil.key for pupil in result.document.pupils] == ["L1"]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-8", b"", ";"), ("utf-8", b"\xef\xbb\xbf", ";"), ("cp1252", b"", ";"), ("utf-8", b"", ",")],
)
def test_encodings_and_delimiters_give_the_same_records(encoding: str, bom: bytes, delimiter: str) -> None:
    result = read_csv(bom + text(delimiter=delimiter).encode(encoding))

    assert result.errors == []
    assert result.document is not None
    assert result.document.school.school_year == "2026-2027"
    assert result.document.pupils == (
        EdexPupil("L1", "Zoë", "Vries", "de", "", "5", "G5", ("PLUS",), line=5),
    )
    assert result.document.staff == (
        EdexStaff(
            "T1", "Marieke", "Jansen", email="marieke@school.example",
            groups=(EdexStaffGroup("G5"), EdexStaffGroup("PLUS")), line=6,
        ),
    )  # fmt: skip


def test_every_problem_has_its_line() -> None:
    rows = [*ROWS[:3], "leerling;L1;;;;;;G5;;;;;", "leerling;L2;;;Sem;;Bakker;G9;;;;;", "klas;X;;;;;;;;;;;"]
    result = read_csv(text(rows=rows).encode())

    assert result.document is None
    assert [(problem.line, problem.message) for problem in result.errors] == [
        (5, "Leerling 'L1' heeft geen naam: 'achternaam' of 'roepnaam' ontbreekt."),
        (6, "Leerling 'L2' verwijst naar groep 'G9', maar die staat niet in het bestand."),
        (
            7,
            "Onbekende soort 'klas' in kolom 'soort'. Kies uit: school, groep, samengestelde_groep, leerling, leerkracht.",
        ),
    ]


def test_missing_columns_are_named() -> None:
    header = HEADER.replace(";emailadres", "").replace(";jaargroep", "")
    result = read_csv(text(header=header, rows=[]).encode())
    assert [(problem.line, problem.message) for problem in result.errors] == [
        (1, "De kolom 'jaargroep' ontbreekt."),
        (1, "De kolom 'emailadres' ontbreekt."),
    ]


def test_a_wrong_delimiter_is_refused() -> None:
    result = read_csv(text(delimiter="\t").encode())
    assert [problem.line for problem in result.errors] == [1]
    assert result.errors[0].message.startswith("De eerste regel moet de kolomnamen bevatten")


def test_mixed_encodings_and_binary_noise_are_refused() -> None:
    mixed = text().encode("utf-8") + "leerling;L2;;;André;;Smit;G5;;;;;\r\n".encode("cp1252")
    assert [(p.line, p.message[:40]) for p in read_csv(mixed).errors] == [
        (7, "Het bestand gebruikt twee tekensets door")
    ]
    noise = bytes(range(256)) * 4
    assert read_csv(noise).errors[0].message == (
        "Dit is geen tekstbestand (CSV); kies het CSV-bestand met de gegevens."
    )


def test_a_row_with_too_many_fields_is_reported() -> None:
    rows = [*ROWS, "leerling;L2;;;Sem;;Bakker;G5;;;;;;extra"]
    result = read_csv(text(rows=rows).encode())
    assert [(p.line, p.message) for p in result.errors] == [
        (7, "Deze regel heeft 14 kolommen; de kopregel heeft er 13. Staat er een ';' te veel of te weinig?")
    ]


def test_a_stray_quote_is_named_in_our_own_words_with_its_line() -> None:
    """Python's csv module stops at a field over its limit (an unclosed quote swallows the file); the
    school reads our sentence, never Python's English reason."""
    from django.utils import translation

    rows = [*ROWS[:3], 'leerling;L1;;;"Zoë;de;Vries;G5;PLUS;;;;', *["x" * 100] * 1400]
    result = read_csv(text(rows=rows).encode())
    assert [(problem.line, problem.message) for problem in result.errors if problem.line > 1] == [
        (
            5,  # where the row with the stray quote starts
            'Een veld in deze regel is langer dan 131072 tekens; staat er een aanhalingsteken (") te veel, zodat '
            "de rest van het bestand in één veld valt?",
        )
    ]
    with translation.override("en"):
        assert result.errors[-1].message == (
            'A field on this line is longer than 131072 characters; is there a quotation mark (") too many, so '
            "that the rest of the file falls into one field?"
        )
