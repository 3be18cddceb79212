"""How teacher screens name a pupil of a group: the first name, or the full name when another
pupil of the group has the same first name (two Sannes: "Sanne de Vries" and "Sanne Bakker")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from klaspoort.roster.models import Pupil


def _same(first_name: str) -> str:
    return first_name.strip().casefold()


def pupil_labels(pupils: Sequence[Pupil], among: Iterable[str] | None = None) -> dict[int, str]:
    """pupil pk -> label. `among`: the first names of the whole group, when `pupils` is only part of it."""
    names = among if among is not None else (pupil.first_name for pupil in pupils)
    counts = Counter(_same(name) for name in names)
    return {
        pupil.pk: (
            pupil.full_name if counts[_same(pupil.first_name)] > 1 else (pupil.first_name or pupil.full_name)
        )
        for pupil in pupils
    }


def label_in_group(pupil: Pupil, group_first_names: Iterable[str]) -> str:
    """One pupil's label, given the first names of their whole group."""
    return pupil_labels([pupil], among=group_first_names)[pupil.pk]
