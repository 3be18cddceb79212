"""Pupils: file against database. Matched on LAS key, then ECK iD; a `#` key on ECK iD, then name
and year group. A pupil's uuid never changes; pupils not in the file (or marked as left) are
deactivated, never deleted, so a returning pupil keeps its uuid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from klaspoort.core.i18n.texts import deferred, deferred_plural
from klaspoort.roster.edexml.document import EdexPupil, Problem
from klaspoort.roster.importing.changes import Item, PupilOps, RowUpdate, Tally, old_new
from klaspoort.roster.importing.diff_groups import RELEASED_PREFIX
from klaspoort.roster.importing.snapshot import CurrentPupil

PUPIL_FIELDS = ("las_key", "first_name", "infix", "surname", "eck_id", "year_group")

NameKey = tuple[str, str, str, str]


@dataclass
class PupilDiff:
    tally: Tally = field(default_factory=Tally)
    ops: PupilOps = field(default_factory=PupilOps)


def _label(person: EdexPupil | CurrentPupil) -> str:
    return " ".join(part for part in (person.first_name, person.infix, person.surname) if part)


def _name_key(person: EdexPupil | CurrentPupil) -> NameKey:
    return (person.first_name.lower(), person.infix.lower(), person.surname.lower(), person.year_group)


def _values(pupil: EdexPupil) -> dict[str, str]:
    return {
        "las_key": pupil.key,
        "first_name": pupil.first_name,
        "infix": pupil.infix,
        "surname": pupil.surname,
        "eck_id": pupil.eck_id,
        "year_group": pupil.year_group,
    }


class _Matcher:
    def __init__(self, current: tuple[CurrentPupil, ...]) -> None:
        self.current = current
        self.by_key = {pupil.key: pupil for pupil in current}
        self.used: set[int] = set()
        self.matched: dict[str, CurrentPupil] = {}
        self.by_eck = 0
        self.by_name = 0
        self.rekeyed_by_eck: list[tuple[str, str]] = []

    def take(self, pupil: EdexPupil, found: CurrentPupil) -> None:
        self.matched[pupil.key] = found
        self.used.add(found.id)

    def free(self) -> list[CurrentPupil]:
        return [pupil for pupil in self.current if pupil.id not in self.used]

    def run(self, present: list[EdexPupil], left: list[EdexPupil]) -> dict[str, CurrentPupil]:
        for pupil in left:  # the record of a pupil who left is not free for anyone else
            if not pupil.unstable_key and pupil.key in self.by_key:
                self.used.add(self.by_key[pupil.key].id)
        for pupil in present:
            if not pupil.unstable_key and pupil.key in self.by_key:
                self.take(pupil, self.by_key[pupil.key])
        by_eck: dict[str, list[CurrentPupil]] = defaultdict(list)
        for candidate in self.free():
            if candidate.eck_id:
                by_eck[candidate.eck_id].append(candidate)
        for pupil in present:
            found = by_eck.get(pupil.eck_id, []) if pupil.eck_id and pupil.key not in self.matched else []
            if len(found) == 1:
                self.take(pupil, found[0])
                self.by_eck += pupil.unstable_key
                if not pupil.unstable_key and found[0].key != pupil.key:
                    self.rekeyed_by_eck.append((found[0].key, pupil.key))
        self._match_names([p for p in present if p.unstable_key and p.key not in self.matched])
        return self.matched

    def _match_names(self, unstable: list[EdexPupil]) -> None:
        wanted: dict[NameKey, int] = defaultdict(int)
        for pupil in unstable:
            wanted[_name_key(pupil)] += 1
        active: dict[NameKey, list[CurrentPupil]] = defaultdict(list)
        inactive: dict[NameKey, list[CurrentPupil]] = defaultdict(list)
        for candidate in self.free():
            (active if candidate.active else inactive)[_name_key(candidate)].append(candidate)
        for pupil in unstable:
            name = _name_key(pupil)
            found = active.get(name) or inactive.get(name) or []
            if wanted[name] == 1 and len(found) == 1:
                self.take(pupil, found[0])
                self.by_name += 1


def diff_pupils(
    pupils: tuple[EdexPupil, ...],
    current: tuple[CurrentPupil, ...],
    group_key_of: dict[int, str],
    warnings: list[Problem],
) -> PupilDiff:
    """`group_key_of` maps the ids of this year's matched groups to their file keys."""
    diff = PupilDiff()
    present = [pupil for pupil in pupils if not pupil.left]
    matcher = _Matcher(current)
    matched = matcher.run(present, [pupil for pupil in pupils if pupil.left])
    for pupil in present:
        wanted = {key for key in (pupil.group_key, *pupil.composite_keys) if key}
        existing = matched.get(pupil.key)
        if existing is None:
            diff.ops.create.append(pupil)
            diff.ops.memberships_create.extend((pupil.key, key) for key in sorted(wanted))
            diff.tally.added.append(Item(pupil.key, _label(pupil)))
            continue
        diff.ops.ids[pupil.key] = existing.id
        values = _values(pupil)
        changed = [name for name, value in values.items() if getattr(existing, name) != value]
        have: set[str] = set()
        for membership_id, group_id in existing.memberships:
            key = group_key_of.get(group_id)
            if key is None or key not in wanted:
                diff.ops.memberships_delete.append(membership_id)
            else:
                have.add(key)
        missing = sorted(wanted - have)
        diff.ops.memberships_create.extend((pupil.key, key) for key in missing)
        moved = bool(missing) or len(have) != len(existing.memberships)
        if changed or not existing.active:
            written = (*changed, "active", "deactivated_at") if not existing.active else tuple(changed)
            row = RowUpdate(existing.id, {**values, "active": True, "deactivated_at": None}, written)
            diff.ops.update.append(row)
        if existing.key != pupil.key:
            diff.ops.rekey.append(existing.id)
        if existing.active and not (changed or moved):
            diff.tally.unchanged += 1  # the common case on a nightly import: no report item to build
            continue
        fields = (*changed, "groups") if moved else tuple(changed)
        item = Item(pupil.key, _label(pupil), fields, old_new(existing, values, changed))
        if not existing.active:
            diff.tally.added.append(item)
        else:
            diff.tally.changed.append(item)
            if moved:
                diff.tally.moved.append(item)
    _removals(diff, matcher, {pupil.key for pupil in present})
    if current:  # on a first import there is nothing to recognise
        _warnings(matcher, len([p for p in present if p.unstable_key]), warnings)
    return diff


def _removals(diff: PupilDiff, matcher: _Matcher, claimed: set[str]) -> None:
    kept = {pupil.id for pupil in matcher.matched.values()}
    for existing in matcher.current:
        if existing.id in kept:
            continue
        if existing.active:
            diff.ops.deactivate.append(existing.id)
            diff.ops.memberships_delete.extend(membership_id for membership_id, _ in existing.memberships)
            diff.ops.removed_uuids.append(existing.uuid)
            diff.tally.removed.append(Item(existing.key, _label(existing)))
        if existing.key in claimed:  # a '#' key now given to another pupil
            released = f"{RELEASED_PREFIX}{existing.uuid.hex}"
            diff.ops.release_keys.append(RowUpdate(existing.id, {"las_key": released}))


def _warnings(matcher: _Matcher, unstable: int, warnings: list[Problem]) -> None:
    recognised = matcher.by_eck + matcher.by_name
    if unstable:
        warnings.append(
            Problem(
                0,
                deferred_plural(
                    "Van de %(count)d leerling met een '#'-key zijn er %(recognised)d herkend "
                    "(%(by_eck)d aan het "
                    "ECK iD, %(by_name)d aan naam en jaargroep); %(new)d als nieuwe leerling behandeld.",
                    "Van de %(count)d leerlingen met een '#'-key zijn er %(recognised)d herkend "
                    "(%(by_eck)d aan "
                    "het ECK iD, %(by_name)d aan naam en jaargroep); %(new)d als nieuwe leerling behandeld.",
                    unstable,
                    recognised=recognised,
                    by_eck=matcher.by_eck,
                    by_name=matcher.by_name,
                    new=unstable - recognised,
                ),
            )
        )
    for old, new in matcher.rekeyed_by_eck:
        warnings.append(
            Problem(
                0,
                deferred(
                    "Leerling '%(key)s' is herkend aan het ECK iD; de key was eerder '%(old)s'.",
                    key=new,
                    old=old,
                ),
            )
        )
