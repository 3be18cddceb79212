"""Small rosters for the import tests, built as EdexDocuments (the project's own fixtures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from klaspoort.roster.edexml.document import (
    EdexDocument,
    EdexGroup,
    EdexPupil,
    EdexSchool,
    EdexStaff,
    EdexStaffGroup,
)
from klaspoort.roster.edexml.writer import write_edexml

ECK = "https://ketenid.nl/201703/"
SCHOOL = EdexSchool(school_year="2026-2027", brin="12AB", location_code="00", peildatum=dt.date(2026, 10, 1))
GROUPS = (
    EdexGroup("G5", "5A", "home", "5"),
    EdexGroup("G6", "6A", "home", "6"),
    EdexGroup("G6B", "6B", "home", "6"),
    EdexGroup("SG1", "Plusklas rekenen", "composite"),
)
PUPILS = (
    EdexPupil("L1", "Emma", "Vries", "de", ECK + "a1", "5", "G5", ("SG1",)),
    EdexPupil("L2", "Noah", "Yilmaz", "", ECK + "a2", "6", "G6"),
    EdexPupil("L3", "Sem", "Bakker", "", "", "6", "G6"),
    EdexPupil("L4", "Julia", "Jong", "de", ECK + "a4", "6", "G6B", ("SG1",)),
)
STAFF = (
    EdexStaff(
        "T1", "Marieke", "Jansen", email="Marieke.Jansen@regenboog.nl", roles=("LRK",),
        groups=(EdexStaffGroup("G5", ("LRK",)),),
    ),
    EdexStaff(
        "T2", "Ahmed", "Bouzid", email="ahmed.bouzid@regenboog.nl", roles=("LRK", "ICT"),
        groups=(EdexStaffGroup("G6", ("LRK",)), EdexStaffGroup("SG1", ("RT",))),
    ),
    EdexStaff(
        "T3", "Petra", "Visser", email="petra.visser@regenboog.nl", roles=("LRK",),
        groups=(EdexStaffGroup("G6B", ("LRK",)),),
    ),
)  # fmt: skip


def roster(**changes: object) -> EdexDocument:
    """The base roster (4 groups, 4 pupils, 3 staff) with fields replaced."""
    doc = EdexDocument(version="2.1", school=SCHOOL, groups=GROUPS, pupils=PUPILS, staff=STAFF)
    return replace(doc, **changes)  # type: ignore[arg-type]


def pupils(count: int, *, prefix: str = "P") -> tuple[EdexPupil, ...]:
    """`count` pupils spread over the base home groups."""
    homes = [group for group in GROUPS if group.kind == "home"]
    return tuple(
        EdexPupil(
            f"{prefix}{index}",
            f"Kind{index}",
            "Achternaam",
            year_group=homes[index % len(homes)].year_group,
            group_key=homes[index % len(homes)].key,
        )
        for index in range(count)
    )


def as_bytes(doc: EdexDocument) -> bytes:
    return write_edexml(doc)


def shift_groups(doc: EdexDocument, *, every: int) -> EdexDocument:
    """Every `every`-th pupil moves to the next home group of the document."""
    homes = [group.key for group in doc.groups if group.kind == "home"]
    moved = tuple(
        replace(pupil, group_key=homes[(homes.index(pupil.group_key) + 1) % len(homes)])
        if index % every == 0 and pupil.group_key in homes
        else pupil
        for index, pupil in enumerate(doc.pupils)
    )
    return replace(doc, pupils=moved)
