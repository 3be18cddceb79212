"""Deterministic picture allocation within a group (pure functions).

Each pupil starts at a spot in the catalogue derived from their uuid and takes the first free
picture from there: the same roster always gets the same pictures, and a newcomer does not move
anyone else. When two pupils bring the same picture into a group (after a group change), the one
who has been in the group longest keeps it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from klaspoort.accounts.pupils.pictures import IDENTITY_DRAWINGS, identity_keys, identity_picture

ALL_KEYS = tuple(identity_keys())
PLAIN_COUNT = len(IDENTITY_DRAWINGS)


@dataclass(frozen=True)
class Seat:
    """One pupil in a group, in order of seniority: `seed` is the pupil uuid, `picture` the current key."""

    seed: str
    picture: str | None


def _preference(seed: str) -> list[str]:
    start = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % PLAIN_COUNT
    plain = list(ALL_KEYS[:PLAIN_COUNT])
    return plain[start:] + plain[:start] + list(ALL_KEYS[PLAIN_COUNT:])


def first_free(seed: str, taken: set[str]) -> str:
    preference = _preference(seed)
    for key in preference:
        if key not in taken:
            return key
    return preference[0]  # more pupils than pictures (over 160): share rather than fail


def plan_pictures(seats: Sequence[Seat]) -> dict[str, str]:
    """New picture per seed for seats that have none, an unknown one, or one taken by a senior seat."""
    taken: set[str] = set()
    keep: set[int] = set()
    for index, seat in enumerate(seats):
        if seat.picture and identity_picture(seat.picture) and seat.picture not in taken:
            taken.add(seat.picture)
            keep.add(index)
    changes: dict[str, str] = {}
    for index, seat in enumerate(seats):
        if index in keep:
            continue
        picture = first_free(seat.seed, taken)
        taken.add(picture)
        changes[seat.seed] = picture
    return changes


def free_pictures(taken: set[str]) -> list[str]:
    """Pictures a teacher may still choose for a pupil of the group, in catalogue order."""
    return [key for key in ALL_KEYS if key not in taken]
