"""The downloadable CSV template: the columns and one example row of each kind."""

from __future__ import annotations

import csv
import io

from klaspoort.roster.csvimport.reader import COLUMNS


def template_csv(*, brin: str, location_code: str, school_year: str) -> bytes:
    """UTF-8 with BOM (so that spreadsheet programs open it right), separated by semicolons."""
    rows = [
        {"soort": "school", "schooljaar": school_year, "brincode": brin, "dependancecode": location_code},
        {"soort": "groep", "key": "G5A", "naam": "5A", "jaargroep": "5"},
        {"soort": "samengestelde_groep", "key": "PLUS", "naam": "Plusklas"},
        {"soort": "leerling", "key": "L1", "roepnaam": "Emma", "voorvoegsel": "de", "achternaam": "Vries",
         "groep": "G5A", "samengestelde_groepen": "PLUS"},
        {"soort": "leerkracht", "key": "T1", "roepnaam": "Marieke", "achternaam": "Jansen",
         "emailadres": "marieke.jansen@school.example", "groep": "G5A"},
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
