"""The building blocks of a plan: what is reported (Item, Tally, SkippedStaff) and what is written
(the *Ops records that `apply` turns into batched queries). Plain data, no database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from klaspoort.core.i18n.texts import Text, show, stored
from klaspoort.roster.edexml.document import EdexGroup, EdexPupil


@dataclass(frozen=True)
class Item:
    """One record in the report: its LAS key, a display name and (when changed) the fields, with the
    old and new value of each plain field (`values`: field -> (old, new); groups are not in it)."""

    key: str
    label: str
    fields: tuple[str, ...] = ()
    values: tuple[tuple[str, str, str], ...] = ()  # (field, old, new)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "name": self.label}
        if self.fields:
            data["fields"] = list(self.fields)
        if self.values:
            data["values"] = [[name, old, new] for name, old, new in self.values]  # jsonb keeps no key order
        return data


def old_new(
    current: object, values: dict[str, Any], names: list[str] | tuple[str, ...]
) -> tuple[tuple[str, str, str], ...]:
    """(field, old, new) for each of `names`, the old value read from `current`."""
    return tuple((name, str(getattr(current, name) or ""), str(values[name] or "")) for name in names)


@dataclass
class Tally:
    """Added, changed (of which `moved`: group changes), removed and unchanged records of one kind."""

    added: list[Item] = field(default_factory=list)
    changed: list[Item] = field(default_factory=list)
    moved: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "moved": len(self.moved),
        }

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class SkippedStaff:
    """A staff member from the file that is not imported (rule B3), with the reasons."""

    key: str
    reasons: tuple[Text, ...]
    line: int = 0

    @property
    def reason(self) -> str:
        """The reasons in the active language."""
        return "; ".join(str(reason) for reason in self.reasons)

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "reason": self.reason}

    def stored(self) -> dict[str, Any]:
        """What the database keeps: the Dutch reason, the line, each reason to translate later."""
        dutch = "; ".join(reason.source() for reason in self.reasons)
        return {
            "key": self.key,
            "reason": dutch,
            "line": self.line,
            "reasons": [stored(r, sentence=False) for r in self.reasons],
        }


def shown_skip(skip: dict[str, Any]) -> str:
    """A stored skipped staff member (`SkippedStaff.stored`, or an older {key, reason}) as one line in
    the active language: "T9 (regel 14): niet gekoppeld aan een groep"."""
    reasons = skip.get("reasons")
    if reasons:
        reason = "; ".join(show(part, sentence=False) for part in reasons)
    else:
        reason = str(skip.get("reason", ""))
    key, line = str(skip.get("key", "")), int(skip.get("line") or 0)
    if not line:
        return f"{key}: {reason}"
    return gettext("%(key)s (regel %(line)d): %(reason)s") % {"key": key, "line": line, "reason": reason}


@dataclass(frozen=True)
class RowUpdate:
    """New values for an existing row (`values` holds every field of the model's update set);
    `changed`: the fields whose value differs from the row's (None: any may), the ones written."""

    id: int
    values: dict[str, Any]
    changed: tuple[str, ...] | None = None


@dataclass
class GroupOps:
    create: list[EdexGroup] = field(default_factory=list)
    update: list[RowUpdate] = field(default_factory=list)
    deactivate: list[int] = field(default_factory=list)
    rekey: list[int] = field(default_factory=list)  # rows whose las_key changes (set aside first)
    release_keys: list[RowUpdate] = field(default_factory=list)  # unmatched rows holding a needed '#' key
    ids: dict[str, int] = field(default_factory=dict)  # file key -> id of the matched group


@dataclass
class PupilOps:
    create: list[EdexPupil] = field(default_factory=list)
    update: list[RowUpdate] = field(default_factory=list)  # includes returning pupils (active again)
    deactivate: list[int] = field(default_factory=list)
    rekey: list[int] = field(default_factory=list)  # rows whose las_key changes (set aside first)
    release_keys: list[RowUpdate] = field(default_factory=list)  # unmatched rows holding a needed '#' key
    ids: dict[str, int] = field(default_factory=dict)  # file key -> id of the matched pupil
    memberships_delete: list[int] = field(default_factory=list)
    memberships_create: list[tuple[str, str]] = field(default_factory=list)  # (pupil key, group key)
    removed_uuids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class NewMember:
    email: str
    first_name: str
    infix: str
    surname: str
    eck_id: str


@dataclass(frozen=True)
class NewPlacement:
    staff_key: str  # the file key of the staff member
    email: str  # the member it belongs to
    las_roles: tuple[str, ...]


@dataclass
class StaffOps:
    members_create: list[NewMember] = field(default_factory=list)
    members_update: list[RowUpdate] = field(default_factory=list)
    member_ids: dict[str, int] = field(default_factory=dict)  # email -> id of an existing member
    placements_create: list[NewPlacement] = field(default_factory=list)
    placements_update: list[RowUpdate] = field(default_factory=list)
    placement_ids: dict[str, int] = field(default_factory=dict)  # staff file key -> existing placement id
    placements_release: list[int] = field(default_factory=list)  # not imported, holding a needed key
    memberships_delete: list[int] = field(default_factory=list)
    memberships_create: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    memberships_update: list[RowUpdate] = field(default_factory=list)
    added_uuids: list[uuid.UUID] = field(default_factory=list)  # existing members placed (again)
    access_removed_uuids: list[uuid.UUID] = field(default_factory=list)  # lost teacher role and groups
