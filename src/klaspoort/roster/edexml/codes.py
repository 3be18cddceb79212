"""EDEXML code lists and limits (from the official 2.1 schema), shared by reader, writer and generator."""

from __future__ import annotations

import datetime as dt
import re

from klaspoort.roster.edexml.document import EdexSchool

# jaargroep: B babies, D toddlers, 0 pre-school, 1-8 primary, 11-16 secondary, S special primary,
# V special secondary, C combination group (year per pupil), N neither, H historic.
YEAR_GROUPS = frozenset({"B", "D", "0", "1", "2", "3", "4", "5", "6", "7", "8",
                         "11", "12", "13", "14", "15", "16", "S", "V", "C", "N", "H"})  # fmt: skip
COMBINATION_YEAR = "C"

STAFF_ROLES = frozenset({"ADJ", "ADM", "CON", "DIR", "ICT", "IB", "KLA", "LRK", "LOS", "LOC", "OWA",
                         "OUD", "RT", "SMW", "STA", "TAL", "VAK"})  # fmt: skip
GENDERS = frozenset(["0", "1", "2", "9"])

# Extension block types defined by the standard itself; their content is not needed, skipped quietly.
KNOWN_EXTENSION_TYPES = frozenset(["OpmerkingGegevensType", "LVSGegevensType"])

VERSIONS = ("1.0.3", "2.0", "2.1")
CURRENT_VERSION = "2.1"

KEY_MAX = 256
OLD_KEY_MAX = 64  # EDEXML 1.0.3 and 2.0
SURNAME_MAX = 200
INFIX_MAX = 10
FIRST_NAMES_MAX = 200
CALL_NAME_MAX = 64
GROUP_NAME_MAX = 64
DESCRIPTION_MAX = 256

BRIN_RE = re.compile(r"^\d{2}[A-Z]{2}$")
LOCATION_CODE_RE = re.compile(r"^\d{2}$")
INSTELLINGSNUMMER_RE = re.compile(r"^\d{2,6}$")
ECK_ID_PREFIX = "https://ketenid.nl/201703/"

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def normalise_version(declared: str) -> str | None:
    """`xsdversie` as written ("1.03", "1.0.3", "2.0", "2.1") -> one of VERSIONS, or None if unknown."""
    value = declared.strip().lower().removeprefix("v")
    if value in {"1.03", "1.0.3", "1.0", "1.02", "1.0.2", "1"}:
        return "1.0.3"
    if value in {"2.0", "2", "2.00"}:
        return "2.0"
    if value in {"2.1", "2.10"}:
        return "2.1"
    return None


def leave_reference(school: EdexSchool, created: dt.date | None) -> dt.date | None:
    """The date `uitstroomdatum` is compared with (earlier means the pupil has left): `peildatum`,
    else the file's creation date, else 1 August of the school year."""
    if school.peildatum or created:
        return school.peildatum or created
    return dt.date(school.start_year, 8, 1) if school.school_year else None
