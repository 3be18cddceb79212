"""Deterministic, realistic (fictitious) rosters for demos, tests and benchmarks.

A school gets groups 1-8 (about 25-30 pupils each; small years share a combination group with
jaargroep C, and schools of 200+ pupils get one combination group besides), a few composite groups
such as "Plusklas rekenen", staff with e-mail addresses and roles (LRK, plus DIR, IB, ICT, OWA, RT),
each linked to groups with per-group roles, and ECK iDs for most pupils. The same seed gives the
same document; pupil keys and names depend only on the seed and the pupil's position.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from typing import TypeVar

from klaspoort.core.codes import parse_school_year, split_school_code
from klaspoort.roster.edexml import codes
from klaspoort.roster.edexml.document import (
    EdexDocument,
    EdexGroup,
    EdexPupil,
    EdexSchool,
    EdexStaff,
    EdexStaffGroup,
)
from klaspoort.roster.edexml.names_nl import (
    ADULT_FIRST_NAMES,
    COMPOSITE_GROUP_NAMES,
    FIRST_NAMES,
    SCHOOL_NAMES,
    SURNAMES,
)

YEARS = tuple(str(year) for year in range(1, 9))
GROUP_SIZE = 30
PAIRS = (("1", "2"), ("3", "4"), ("5", "6"), ("7", "8"))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in ascii_text.lower() if char.isalnum())


def _year_counts(total: int, rng: random.Random) -> dict[str, int]:
    weights = [rng.uniform(0.85, 1.15) for _ in YEARS]
    exact = [total * weight / sum(weights) for weight in weights]
    counts = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(YEARS)), key=lambda index: counts[index] - exact[index])
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return dict(zip(YEARS, counts, strict=True))


def _unique_numbers(rng: random.Random, low: int, high: int) -> Iterator[int]:
    seen: set[int] = set()
    while True:
        number = rng.randrange(low, high)
        if number not in seen:
            seen.add(number)
            yield number


class _Builder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"klaspoort:{seed}")
        self.group_keys = _unique_numbers(random.Random(f"klaspoort:{seed}:groups"), 100, 1_000_000)
        self.staff_keys = _unique_numbers(random.Random(f"klaspoort:{seed}:staff"), 1000, 1_000_000)
        self.groups: list[EdexGroup] = []
        self.emails: set[str] = set()

    def pupil(self, index: int, year_group: str, group_key: str) -> EdexPupil:
        rng = random.Random(f"klaspoort:{self.seed}:pupil:{index}")
        infix, surname = rng.choice(SURNAMES)
        eck_id = f"{codes.ECK_ID_PREFIX}{rng.getrandbits(512):0128x}" if rng.random() < 0.7 else ""
        return EdexPupil(
            key=str(100_000 + index * 7 + self.seed % 7),
            first_name=rng.choice(FIRST_NAMES),
            surname=surname,
            infix=infix,
            eck_id=eck_id,
            year_group=year_group,
            group_key=group_key,
        )

    def group(self, name: str, year_group: str = "", description: str = "") -> EdexGroup:
        kind = "composite" if not year_group else "home"
        group = EdexGroup(
            key=str(next(self.group_keys)),
            name=name,
            kind=kind,
            year_group=year_group,
            description=description,
        )
        self.groups.append(group)
        return group

    def staff(
        self, domain: str, roles: tuple[str, ...], links: list[EdexStaffGroup], *, email: str | None = None
    ) -> EdexStaff:
        first_name = self.rng.choice(ADULT_FIRST_NAMES)
        infix, surname = self.rng.choice(SURNAMES)
        if email is None:
            local = f"{_slug(first_name)}.{_slug(infix + surname)}"
            email, number = f"{local}@{domain}", 1
            while email in self.emails:
                number += 1
                email = f"{local}{number}@{domain}"
            self.emails.add(email)
        eck_id = f"{codes.ECK_ID_PREFIX}{self.rng.getrandbits(512):0128x}" if self.rng.random() < 0.5 else ""
        return EdexStaff(
            key=str(next(self.staff_keys)),
            first_name=first_name,
            surname=surname,
            infix=infix,
            eck_id=eck_id,
            email=email,
            roles=roles,
            groups=tuple(links),
        )


def _home_groups(builder: _Builder, counts: dict[str, int]) -> list[tuple[EdexGroup, list[str]]]:
    """Home groups with the year groups of their pupils, one entry per pupil."""
    layout: list[tuple[EdexGroup, list[str]]] = []
    remaining = dict(counts)
    big = sum(counts.values()) >= 200
    combined_pair = builder.rng.choice(PAIRS) if big else None
    for pair in PAIRS:
        if sum(remaining[year] for year in pair) <= 32:
            years = [year for year in pair for _ in range(remaining[year])]
            if years:
                layout.append((builder.group(f"{pair[0]}/{pair[1]}", codes.COMBINATION_YEAR), years))
            continue
        if pair == combined_pair:
            share = {year: min(13, remaining[year] - GROUP_SIZE) for year in pair}
            if all(count > 0 for count in share.values()):
                years = [year for year in pair for _ in range(share[year])]
                layout.append((builder.group(f"{pair[0]}/{pair[1]}", codes.COMBINATION_YEAR), years))
                for year in pair:
                    remaining[year] -= share[year]
        for year in pair:
            parts = max(1, math.ceil(remaining[year] / GROUP_SIZE))
            for number in range(parts):
                name = f"{year}{chr(ord('A') + number)}" if parts > 1 else f"Groep {year}"
                size = remaining[year] // parts + (1 if number < remaining[year] % parts else 0)
                if size:
                    layout.append((builder.group(name, year), [year] * size))
    return layout


def _composites(builder: _Builder, pupils: list[EdexPupil]) -> list[EdexPupil]:
    count = min(len(COMPOSITE_GROUP_NAMES), max(1, len(pupils) // 250))
    members: dict[str, list[str]] = {}
    for name in COMPOSITE_GROUP_NAMES[:count]:
        group = builder.group(name, description=f"{name} (schooljaar-breed)")
        older = [pupil.key for pupil in pupils if pupil.year_group in {"5", "6", "7", "8"}] or [
            pupil.key for pupil in pupils
        ]
        for key in builder.rng.sample(older, min(len(older), builder.rng.randint(6, 15))):
            members.setdefault(key, []).append(group.key)
    return [replace(pupil, composite_keys=tuple(members.get(pupil.key, ()))) for pupil in pupils]


def _staff(builder: _Builder, domain: str) -> list[EdexStaff]:
    homes = [group for group in builder.groups if group.kind == "home"]
    composites = [group for group in builder.groups if group.kind == "composite"]
    teaching = [EdexStaffGroup(group.key, ("LRK",)) for group in homes]
    staff = []
    for index, link in enumerate(teaching):
        roles = ("LRK", "ICT") if index == 1 else ("LRK",)
        staff.append(builder.staff(domain, roles, [link]))
        if builder.rng.random() < 0.35:
            staff.append(builder.staff(domain, ("LRK",), [link]))
        if builder.rng.random() < 0.2:
            staff.append(builder.staff(domain, ("OWA",), [EdexStaffGroup(link.key, ("OWA",))]))
    staff.append(builder.staff(domain, ("DIR",), [EdexStaffGroup(homes[-1].key, ())]))
    staff.append(builder.staff(domain, ("IB",), [EdexStaffGroup(group.key, ("IB",)) for group in homes[:4]]))
    if composites:
        staff.append(
            builder.staff(domain, ("RT",), [EdexStaffGroup(group.key, ("RT",)) for group in composites])
        )
    return staff


def _problem_staff(builder: _Builder, domain: str) -> list[EdexStaff]:
    """Staff that break rule B3: no group, no e-mail, an invalid e-mail, an e-mail used twice."""
    link = [EdexStaffGroup(builder.groups[0].key, ("LRK",))]
    twice = f"gedeeld.account@{domain}"
    return [
        builder.staff(domain, ("LRK",), []),
        builder.staff(domain, ("LRK",), link, email=""),
        builder.staff(domain, ("LRK",), link, email=f"juf.ellen(at){domain}"),
        builder.staff(domain, ("LRK",), link, email=twice),
        builder.staff(domain, ("OWA",), link, email=twice),
    ]


Keyed = TypeVar("Keyed", EdexPupil, EdexStaff)


def _unstable(items: list[Keyed], count: int) -> list[Keyed]:
    """The first `count` items get a `#` key (a LAS that cannot promise stable keys)."""
    return [replace(item, key=f"#{item.key}") if index < count else item for index, item in enumerate(items)]


def generate_roster(
    school_code: str, pupils: int, *, seed: int = 0, year: str | None = None, with_problems: bool = False
) -> EdexDocument:
    """A roster for `school_code` (e.g. 12AB00) with `pupils` pupils. Raises CodeError for a bad school
    code or year and ValueError for fewer than one pupil. `year` defaults to the current school year."""
    if pupils < 1:
        raise ValueError("a roster needs at least one pupil")
    brin, location = split_school_code(school_code)
    if year is None:
        from klaspoort.core.clock import current_school_year_start

        start = current_school_year_start()
    else:
        start = parse_school_year(year)
    builder = _Builder(seed)
    school_name = builder.rng.choice(SCHOOL_NAMES)
    domain = f"{_slug(school_name)}.example"  # a reserved domain: generated mail never reaches anyone
    layout = _home_groups(builder, _year_counts(pupils, builder.rng))
    roster = [
        builder.pupil(index, year_group, group.key)
        for index, (group, year_group) in enumerate(
            (group, year) for group, years in layout for year in years
        )
    ]
    roster = _composites(builder, roster)
    staff = _staff(builder, domain)
    if with_problems:
        roster = _unstable(roster, 3)
        staff = _unstable(staff, 1) + _problem_staff(builder, domain)
    school = EdexSchool(
        school_year=f"{start}-{start + 1}",
        brin=brin,
        location_code=location,
        peildatum=dt.date(start, 10, 1),
        author=f"klaspoort generate-edexml (seed {seed})",
    )
    return EdexDocument(
        version=codes.CURRENT_VERSION,
        school=school,
        groups=tuple(builder.groups),
        pupils=tuple(roster),
        staff=tuple(staff),
    )


def move_pupils(doc: EdexDocument, fraction: float, *, seed: int = 0) -> EdexDocument:
    """A copy of `doc` in which `fraction` of the pupils (as far as possible) moved to another home
    group of the same year group. Pupils in a year with only one group cannot move."""
    by_year: dict[str, list[str]] = {}
    for group in doc.groups:
        if group.kind == "home" and group.year_group != codes.COMBINATION_YEAR:
            by_year.setdefault(group.year_group, []).append(group.key)
    movable = [
        index
        for index, pupil in enumerate(doc.pupils)
        if pupil.group_key in by_year.get(pupil.year_group, ()) and len(by_year[pupil.year_group]) > 1
    ]
    rng = random.Random(f"klaspoort:move:{seed}")
    chosen = set(rng.sample(movable, min(len(movable), round(fraction * len(doc.pupils)))))
    pupils = list(doc.pupils)
    for index in sorted(chosen):
        pupil = pupils[index]
        others = [key for key in by_year[pupil.year_group] if key != pupil.group_key]
        pupils[index] = replace(pupil, group_key=rng.choice(others))
    return replace(doc, pupils=tuple(pupils))
