"""Groups of one school year: file against database. Matched on key; a `#` key on kind and name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from klaspoort.core.i18n.texts import deferred_plural
from klaspoort.roster.edexml.document import EdexGroup, Problem
from klaspoort.roster.importing.changes import GroupOps, Item, RowUpdate, Tally, old_new
from klaspoort.roster.importing.snapshot import CurrentGroup

RELEASED_PREFIX = "~released~"
GROUP_FIELDS = ("las_key", "kind", "name", "year_group", "description")


@dataclass
class GroupDiff:
    tally: Tally = field(default_factory=Tally)
    ops: GroupOps = field(default_factory=GroupOps)
    key_of: dict[int, str] = field(default_factory=dict)  # current group id -> file key (matched only)


def _values(group: EdexGroup) -> dict[str, str]:
    return {
        "las_key": group.key,
        "kind": group.kind,
        "name": group.name,
        "year_group": group.year_group if group.kind == "home" else "",
        "description": group.description,
    }


def _match(groups: tuple[EdexGroup, ...], current: tuple[CurrentGroup, ...]) -> dict[str, CurrentGroup]:
    by_key = {group.key: group for group in current}
    matched: dict[str, CurrentGroup] = {}
    for group in groups:
        if not group.unstable_key and group.key in by_key:
            matched[group.key] = by_key[group.key]
    used = {group.id for group in matched.values()}
    candidates: dict[tuple[str, str], list[CurrentGroup]] = defaultdict(list)
    for candidate in current:
        if candidate.id not in used:
            candidates[(candidate.kind, candidate.name)].append(candidate)
    unstable = [group for group in groups if group.unstable_key]
    wanted: dict[tuple[str, str], int] = defaultdict(int)
    for group in unstable:
        wanted[(group.kind, group.name)] += 1
    for group in unstable:
        found = candidates.get((group.kind, group.name), [])
        if len(found) == 1 and wanted[(group.kind, group.name)] == 1:
            matched[group.key] = found[0]
    return matched


def diff_groups(
    groups: tuple[EdexGroup, ...], current: tuple[CurrentGroup, ...], warnings: list[Problem]
) -> GroupDiff:
    diff = GroupDiff()
    matched = _match(groups, current)
    unstable_matched = 0
    for group in groups:
        values = _values(group)
        existing = matched.get(group.key)
        if existing is None:
            diff.ops.create.append(group)
            diff.tally.added.append(Item(group.key, group.name))
            continue
        diff.key_of[existing.id] = group.key
        diff.ops.ids[group.key] = existing.id
        unstable_matched += group.unstable_key
        changed = tuple(name for name, value in values.items() if getattr(existing, name) != value)
        if changed or not existing.active:
            written = (*changed, "active") if not existing.active else changed
            diff.ops.update.append(RowUpdate(existing.id, {**values, "active": True}, written))
        if existing.key != group.key:
            diff.ops.rekey.append(existing.id)
        if not existing.active:
            diff.tally.added.append(Item(group.key, group.name))
        elif changed:
            diff.tally.changed.append(
                Item(group.key, group.name, changed, old_new(existing, values, changed))
            )
        else:
            diff.tally.unchanged += 1
    claimed = {group.key for group in groups}
    for existing in current:
        if existing.id in diff.key_of:
            continue
        if existing.active:
            diff.ops.deactivate.append(existing.id)
            diff.tally.removed.append(Item(existing.key, existing.name))
        if existing.key in claimed:  # a '#' key now given to another group
            released = f"{RELEASED_PREFIX}{existing.id}"
            diff.ops.release_keys.append(RowUpdate(existing.id, {"las_key": released}))
    if unstable_matched:
        warnings.append(
            Problem(
                0,
                deferred_plural(
                    "%(count)d groep met een '#'-key is herkend aan soort en naam.",
                    "%(count)d groepen met een '#'-key zijn herkend aan soort en naam.",
                    unstable_matched,
                ),
            )
        )
    return diff
