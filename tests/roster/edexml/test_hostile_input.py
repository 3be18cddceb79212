"""Hostile and broken uploads end in one clear error, never an exception, and never read other files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from klaspoort.roster.edexml.reader import DEFAULT_MAX_BYTES, default_max_bytes, read_edexml
from tests.roster.edexml.fixtures import edex, line_of

DOCTYPE_MESSAGE = (
    "Het bestand bevat een DOCTYPE-declaratie (een DTD of entiteiten). Die horen niet in een "
    "EDEXML-bestand en worden om veiligheidsredenen geweigerd."
)


def only_error(data: bytes, max_bytes: int = 1024 * 1024) -> tuple[int, str]:
    result = read_edexml(data, max_bytes=max_bytes)
    assert result.document is None
    assert result.warnings == []
    assert len(result.errors) == 1, result.errors
    return result.errors[0].line, result.errors[0].message


def test_entity_expansion_bomb() -> None:
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE EDEX [\n<!ENTITY lol0 "lol">\n' + lol + "\n]>\n<EDEX>&lol9;</EDEX>"
    ).encode()
    assert only_error(data) == (2, DOCTYPE_MESSAGE)


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    school = "  <!-- a school -->\n  <school><schooljaar>&xxe;</schooljaar></school>"
    data = edex(school=school).replace(
        b"<EDEX", f'<!DOCTYPE EDEX [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<EDEX'.encode(), 1
    )
    line, message = only_error(data)
    assert (line, message) == (2, DOCTYPE_MESSAGE)
    assert "TOPSECRET" not in message


def test_external_dtd_and_parameter_entities() -> None:
    external = b'<?xml version="1.0"?>\n\n<!DOCTYPE EDEX SYSTEM "http://127.0.0.1:9/edex.dtd">\n<EDEX/>'
    parameter = (
        b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n<EDEX/>'
    )
    assert only_error(external) == (3, DOCTYPE_MESSAGE)
    assert only_error(parameter) == (2, DOCTYPE_MESSAGE)


def test_undeclared_entity() -> None:
    data = edex().replace(b"<auteur>ParnasSys", b"<auteur>&passwd;")
    assert only_error(data) == (
        10,
        "Het bestand gebruikt de onbekende entiteit '&passwd;'. Entiteiten zijn in EDEXML niet toegestaan.",
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", (0, "Het bestand is leeg.")),
        (b" \n\t", (0, "Het bestand is leeg.")),
        (
            b"naam;groep\nEmma;5A\n",
            (
                1,
                "Dit is geen XML-bestand. Kies het EDEXML-bestand uit de leerlingadministratie (meestal EDEX.XML).",
            ),
        ),
        (
            b"%PDF-1.7\n\x00\x01",
            (
                1,
                "Dit is geen XML-bestand. Kies het EDEXML-bestand uit de leerlingadministratie (meestal EDEX.XML).",
            ),
        ),
        (
            b'<?xml version="1.0"?>\n<leerlingen/>',
            (2, "Dit is geen EDEXML-bestand: het hoofdelement heet 'leerlingen' in plaats van 'EDEX'."),
        ),
        (
            b'<?xml version="1.0"?>\n<EDEX xmlns="http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens"/>',
            (
                2,
                "Het hoofdelement 'EDEX' heeft een namespace "
                "(http://www.edustandaard.nl/leerresultaten/2/leerlinggegevens); een EDEXML-bestand gebruikt "
                "geen namespace.",
            ),
        ),
    ],
)
def test_not_an_edexml_file(data: bytes, expected: tuple[int, str]) -> None:
    assert only_error(data) == expected


def test_broken_xml_gives_the_line() -> None:
    data = edex().replace(b"</leerling>", b"</leerlingx>", 1)
    assert only_error(data) == (
        line_of(data, "</leerlingx>"),
        "Het bestand is geen geldige XML: een element wordt met een andere naam afgesloten dan waarmee "
        "het begon.",
    )


def test_truncated_file() -> None:
    data = edex()[:-40]
    line, message = only_error(data)
    assert line == data.count(b"\n") + 1
    assert message == (
        "Het bestand is geen geldige XML: het bestand houdt op voordat alle elementen zijn afgesloten "
        "(is het onvolledig opgeslagen of verstuurd?)."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<EDEX></EDEX>\n<extra/>", (2, "na het afsluiten van het hoofdelement staat nog meer inhoud.")),
        (b"<EDEX>\n<a x=1/></EDEX>", (2, "de opbouw klopt niet (een tag, attribuut of teken is fout).")),
        (b"<EDEX>&#0;</EDEX>", (1, "het bevat een teken dat in XML niet is toegestaan.")),
        (b"<EDEX>\n\n\x01</EDEX>", (3, "het bevat een teken dat in XML niet is toegestaan.")),
    ],
)
def test_other_syntax_errors_get_our_own_sentence(data: bytes, expected: tuple[int, str]) -> None:
    line, tail = expected
    assert only_error(data) == (line, "Het bestand is geen geldige XML: " + tail)


@pytest.mark.parametrize(
    "encoded",
    [
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE EDEX [<!ENTITY a "b">]>\n<EDEX/>'.encode(
            "utf-16"
        ),
        b"\xef\xbb\xbf<!-- export -->\n<?pi x?>\n<!DOCTYPE EDEX SYSTEM 'x.dtd'>\n<EDEX/>",
    ],
)
def test_doctype_is_found_whatever_the_encoding(encoded: bytes) -> None:
    assert only_error(encoded)[1] == DOCTYPE_MESSAGE


def test_oversized_file_is_refused_before_parsing() -> None:
    data = edex()
    assert only_error(data[:1500], max_bytes=1024) == (
        0,
        "Het bestand is te groot (1,5 kB); de grens is 1 kB.",
    )
    big = b"<EDEX>" + b" " * (3 * 1024 * 1024) + b"</EDEX>"
    assert only_error(big, max_bytes=50 * 1024 * 1024 // 20) == (
        0,
        "Het bestand is te groot (3 MB); de grens is 2,5 MB.",
    )
    assert read_edexml(data, max_bytes=len(data)).ok


def test_the_default_limit_comes_from_the_settings() -> None:
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    with override_settings(EDEXML_MAX_BYTES=100):
        assert default_max_bytes() == 100
        result = read_edexml(edex())
        assert [problem.message for problem in result.errors] == [
            f"Het bestand is te groot ({len(edex()) / 1024:.1f} kB); de grens is 100 bytes.".replace(
                ".", ",", 1
            )
        ]
