"""Reading DUO's register file: both column namings, both encodings, and refusals with line numbers."""

from __future__ import annotations

from klaspoort.registry.duo_register import read_register
from klaspoort.registry.duo_sample import OLD_COLUMNS, SampleLocation, sample_register

LOCATIONS = [
    SampleLocation("12AB00", "Basisschool De Eekhoorn", board="41234", postcode="3511 AB"),
    SampleLocation("12AB01", "Basisschool De Eekhoorn, dependance Zuid", board="41234"),
    SampleLocation("34CD00", "Sint-Jozefschool Ædelgrond", board="55555"),
]


def test_old_names_windows_1252() -> None:
    parsed = read_register(sample_register(LOCATIONS, naming="old", encoding="windows-1252"))
    assert parsed.problems == []
    assert parsed.encoding == "windows-1252"
    assert [(row.code, row.name, row.board_number) for row in parsed.rows] == [
        ("12AB00", "Basisschool De Eekhoorn", "41234"),
        ("12AB01", "Basisschool De Eekhoorn, dependance Zuid", "41234"),
        ("34CD00", "Sint-Jozefschool Ædelgrond", "55555"),
    ]
    assert parsed.rows[0].postcode == "3511 AB"
    assert parsed.rows[0].line == 2


def test_new_names_utf8_with_bom() -> None:
    data = sample_register(LOCATIONS, naming="new", encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = read_register(data)
    assert parsed.problems == []
    assert parsed.encoding == "utf-8-sig"
    assert parsed.rows[2].name == "Sint-Jozefschool Ædelgrond"
    assert parsed.rows[1].location_code == "01"


def _messages(data: bytes) -> list[str]:
    parsed = read_register(data)
    assert parsed.rows == []
    return [str(problem) for problem in parsed.problems]


def test_missing_columns_refused_on_line_1() -> None:
    columns = [name for name in OLD_COLUMNS if name != "VESTIGINGSNUMMER"]
    data = ";".join(columns).encode() + b"\r\nx\r\n"
    assert _messages(data) == ["regel 1: kolommen ontbreken: 'VESTIGINGSNUMMER' of 'VESTIGINGSCODE'."]


def test_comma_separated_file_gets_a_hint() -> None:
    data = ",".join(OLD_COLUMNS).encode() + b"\r\n"
    [message] = _messages(data)
    assert message.startswith("regel 1: kolommen ontbreken: 'BEVOEGD GEZAG NUMMER'")
    assert message.endswith("Het bestand lijkt komma's te gebruiken in plaats van ';'.")


def test_duplicate_codes_name_both_lines() -> None:
    data = sample_register([*LOCATIONS, SampleLocation("12AB01", "Nog een keer")])
    assert _messages(data) == ["regel 5: vestigingscode 12AB01 staat ook op regel 3."]


def test_bad_bytes_in_a_bom_file_give_the_line() -> None:
    good = sample_register(LOCATIONS, encoding="utf-8-sig")
    lines = good.split(b"\r\n")
    lines[2] = lines[2].replace(b"Zuid", b"Z\xe9id")  # Windows-1252 é inside a UTF-8 file
    assert _messages(b"\r\n".join(lines)) == [
        "regel 3: het bestand begint als UTF-8 (BOM), maar deze regel is geen geldige UTF-8."
    ]


def test_undefined_windows_1252_byte_gives_the_line() -> None:
    data = sample_register(LOCATIONS).replace(b"Zuid", b"Zu\x81d")
    assert _messages(data) == [
        "regel 3: teken 0x81 bestaat niet in UTF-8 of Windows-1252: onbekende codering."
    ]


def test_utf16_is_refused() -> None:
    data = sample_register(LOCATIONS, encoding="utf-16")
    [message] = _messages(data)
    assert message.startswith("regel 1: het bestand bevat nul-tekens (UTF-16?)")


def test_bad_rows_each_with_their_line() -> None:
    data = sample_register(
        [
            SampleLocation("12AB00", "Goed"),
            SampleLocation("12AB00", "Fout bestuur", board="123"),
        ]
    ).replace(b"12AB;12AB00;Fout", b"12AB;13AB00;Fout")
    assert _messages(data) == ["regel 3: '123' is geen geldig bestuursnummer (5 cijfers)."]
    wrong_code = sample_register([SampleLocation("12AB00", "A"), SampleLocation("56EF00", "B")]).replace(
        b"56EF;56EF00", b"56EF;57EF00"
    )
    assert _messages(wrong_code) == [
        "regel 3: vestigingscode '57EF00' past niet bij BRIN '56EF' (verwacht bijv. 56EF00)."
    ]
    short = sample_register(LOCATIONS).replace(b";Openbaar;", b";", 1)
    assert _messages(short) == [
        "regel 2: 14 kolommen in plaats van 15 (staat er een ';' te veel of te weinig?)."
    ]


def test_empty_file() -> None:
    assert _messages(b"") == ["regel 1: het bestand is leeg."]
    assert _messages(";".join(OLD_COLUMNS).encode()) == ["regel 2: het bestand bevat geen vestigingen."]
