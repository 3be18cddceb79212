"""DUO's register of primary-school locations (…alle-vestigingen-bo.csv), read into plain rows.

Pure: bytes in, `RegisterFile` out (rows, or problems with line numbers). Semicolon-separated;
Windows-1252 or UTF-8 (with or without a BOM). Both column namings are accepted: `BRIN NUMMER` /
`VESTIGINGSNUMMER` (older files) and `INSTELLINGSCODE` / `VESTIGINGSCODE` (newer files).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from klaspoort.core.codes import BOARD_NUMBER_RE, SCHOOL_CODE_RE

BOM = b"\xef\xbb\xbf"
MAX_PROBLEMS = 50

# Our field -> accepted column names (first found wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "board": ("BEVOEGD GEZAG NUMMER",),
    "brin": ("BRIN NUMMER", "INSTELLINGSCODE"),
    "location": ("VESTIGINGSNUMMER", "VESTIGINGSCODE"),
    "name": ("VESTIGINGSNAAM",),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "board_name": ("BEVOEGD GEZAG NAAM",),
    "postcode": ("POSTCODE",),
    "town": ("PLAATSNAAM",),
}


@dataclass(frozen=True)
class RegisterRow:
    line: int
    brin: str
    location_code: str
    name: str
    board_number: str
    board_name: str = ""
    postcode: str = ""
    town: str = ""

    @property
    def code(self) -> str:
        return f"{self.brin}{self.location_code}"


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("regel %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class RegisterFile:
    rows: list[RegisterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes) -> tuple[str, str] | Problem:
    """(text, encoding name) or the problem with the line it is on."""
    if b"\x00" in data:
        return Problem(
            _line_of(data, data.index(b"\x00")),
            _("het bestand bevat nul-tekens (UTF-16?). Sla het op als UTF-8 of Windows-1252."),
        )
    if data.startswith(BOM):
        try:
            return data[len(BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            return Problem(
                _line_of(data, exc.start + len(BOM)),
                _("het bestand begint als UTF-8 (BOM), maar deze regel is geen geldige UTF-8."),
            )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        return Problem(
            _line_of(data, exc.start),
            _("teken 0x%(byte)02X bestaat niet in UTF-8 of Windows-1252: onbekende codering.")
            % {"byte": data[exc.start]},
        )


def _header_index(header: list[str]) -> dict[str, int] | Problem:
    names = [column.strip().strip('"').upper() for column in header]
    index: dict[str, int] = {}
    missing = []
    for key, accepted in {**COLUMNS, **OPTIONAL}.items():
        found = next((names.index(name) for name in accepted if name in names), None)
        if found is not None:
            index[key] = found
        elif key in COLUMNS:
            missing.append(_(" of ").join(f"'{name}'" for name in accepted))
    if missing:
        message = _("kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}
        if len(names) == 1 and "," in names[0]:
            message += " " + _("Het bestand lijkt komma's te gebruiken in plaats van ';'.")
        return Problem(1, message)
    return index


def _row(line: int, cells: list[str], index: dict[str, int]) -> RegisterRow | Problem:
    def cell(key: str) -> str:
        position = index.get(key)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    board, brin, location, name = cell("board"), cell("brin").upper(), cell("location").upper(), cell("name")
    if not BOARD_NUMBER_RE.match(board):
        return Problem(line, _("'%(board)s' is geen geldig bestuursnummer (5 cijfers).") % {"board": board})
    if len(location) == 2 and location.isdigit():  # some files give only the two digits
        location = brin + location
    match = SCHOOL_CODE_RE.match(location)
    if not match or match.group(1) != brin:
        return Problem(
            line,
            _("vestigingscode '%(location)s' past niet bij BRIN '%(brin)s' (verwacht bijv. %(example)s00).")
            % {"location": location, "brin": brin, "example": brin or "12AB"},
        )
    if not name:
        return Problem(line, _("de vestigingsnaam ontbreekt."))
    return RegisterRow(
        line=line,
        brin=brin,
        location_code=match.group(2),
        name=name,
        board_number=board,
        board_name=cell("board_name"),
        postcode=cell("postcode").upper(),
        town=cell("town"),
    )


def read_register(data: bytes) -> RegisterFile:
    """Every row, or every problem (up to MAX_PROBLEMS). A file with any problem has no rows."""
    result = RegisterFile()
    decoded = decode(data)
    if isinstance(decoded, Problem):
        result.problems.append(decoded)
        return result
    text, result.encoding = decoded
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        result.problems.append(Problem(1, _("het bestand is leeg.")))
        return result
    index = _header_index(header)
    if isinstance(index, Problem):
        result.problems.append(index)
        return result
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                result.problems.append(
                    Problem(
                        line,
                        _(
                            "%(found)d kolommen in plaats van %(expected)d "
                            "(staat er een ';' te veel of te weinig?)."
                        )
                        % {"found": len(cells), "expected": len(header)},
                    )
                )
            else:
                row = _row(line, cells, index)
                if isinstance(row, Problem):
                    result.problems.append(row)
                elif row.code in seen:
                    result.problems.append(
                        Problem(
                            line,
                            _("vestigingscode %(code)s staat ook op regel %(other)d.")
                            % {"code": row.code, "other": seen[row.code]},
                        )
                    )
                else:
                    seen[row.code] = line
                    result.rows.append(row)
            if len(result.problems) >= MAX_PROBLEMS:
                break
    except csv.Error as exc:
        result.problems.append(
            Problem(reader.line_num, _("het bestand is geen geldige CSV (%(error)s).") % {"error": exc})
        )
    if result.problems:
        result.rows = []
    elif not result.rows:
        result.problems.append(Problem(2, _("het bestand bevat geen vestigingen.")))
    return result
