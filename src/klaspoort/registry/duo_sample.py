"""A register file in DUO's layout, made up (for tests, the benchmark and the demo):
`sample_register(rows, naming="old"|"new", encoding="windows-1252"|"utf-8-sig")`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OLD_COLUMNS = (
    "PROVINCIE", "BEVOEGD GEZAG NUMMER", "BRIN NUMMER", "VESTIGINGSNUMMER", "VESTIGINGSNAAM", "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "DENOMINATIE",
    "TELEFOONNUMMER", "INTERNETADRES", "ONDERWIJSSTRUCTUUR",
)  # fmt: skip
NEW_NAMES = {"BRIN NUMMER": "INSTELLINGSCODE", "VESTIGINGSNUMMER": "VESTIGINGSCODE"}


@dataclass(frozen=True)
class SampleLocation:
    code: str  # 12AB00
    name: str
    board: str = "10001"
    postcode: str = "1234 AB"
    town: str = "Utrecht"


def numbered_locations(count: int, *, board_every: int = 4) -> list[SampleLocation]:
    """`count` distinct locations: BRIN 00AA…99ZZ, location 00 (and 01 for every third)."""
    found: list[SampleLocation] = []
    index = 0
    while len(found) < count:
        digits, letters = divmod(index, 676)
        brin = f"{digits % 100:02d}{chr(65 + letters // 26)}{chr(65 + letters % 26)}"
        for location in ("00", "01") if index % 3 == 0 else ("00",):
            if len(found) < count:
                number = len(found)
                found.append(
                    SampleLocation(
                        code=brin + location,
                        name=f"Basisschool {number:05d}",
                        board=f"{10000 + number // board_every:05d}",
                        postcode=f"{1000 + number % 8999} AB",
                        town="Utrecht",
                    )
                )
        index += 1
    return found


def _cells(location: SampleLocation) -> list[str]:
    return [
        "Utrecht", location.board, location.code[:4], location.code, location.name, "Schoolstraat", "1",
        location.postcode, location.town.upper(), "0344", location.town, "Openbaar", "030-1234567", "",
        "VO",
    ]  # fmt: skip


def sample_register(
    locations: Iterable[SampleLocation],
    *,
    naming: str = "old",
    encoding: str = "windows-1252",
    columns: Sequence[str] | None = None,
) -> bytes:
    header = [NEW_NAMES.get(name, name) for name in OLD_COLUMNS] if naming == "new" else list(OLD_COLUMNS)
    lines = [";".join(columns or header)]
    lines += [";".join(_cells(location)) for location in locations]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
