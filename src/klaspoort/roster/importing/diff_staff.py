"""Staff: file against database.

Rule B3: a staff member is imported only with at least one group link and a valid email address
that no one else in the file uses; everyone else is skipped with a reason. A person is one
StaffMember by email (lower-cased, across schools) with one StaffPlacement per school. Imports own
only the platform role "teacher" and the group memberships: roles given by hand are never touched,
and a removed person who still has such roles keeps the placement (without teacher role and groups).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from klaspoort.core.i18n.texts import Text, deferred, deferred_plural
from klaspoort.roster.edexml.document import EdexStaff, Problem
from klaspoort.roster.importing.changes import (
    Item,
    NewMember,
    NewPlacement,
    RowUpdate,
    SkippedStaff,
    StaffOps,
    Tally,
    old_new,
)
from klaspoort.roster.importing.snapshot import CurrentPlacement, CurrentStaffMember

TEACHER = "teacher"
EMAIL_MAX = 254  # StaffMember.email
MEMBER_FIELDS = ("email", "first_name", "infix", "surname", "eck_id")
PLACEMENT_FIELDS = ("las_key", "las_roles", "roles", "active", "deactivated_at")


@dataclass
class StaffDiff:
    tally: Tally = field(default_factory=Tally)
    ops: StaffOps = field(default_factory=StaffOps)
    skipped: list[SkippedStaff] = field(default_factory=list)
    active: int = 0  # active teacher placements before the import


def normalise_email(value: str) -> str:
    return value.strip().lower()


def _valid_email(value: str) -> bool:
    if len(value) > EMAIL_MAX:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _label(person: EdexStaff | CurrentStaffMember) -> str:
    return " ".join(part for part in (person.first_name, person.infix, person.surname) if part)


def apply_rule_b3(staff: tuple[EdexStaff, ...]) -> tuple[list[EdexStaff], list[SkippedStaff]]:
    """The staff members that may be imported, and those skipped with their reasons (in file order)."""
    counts = Counter(normalise_email(member.email) for member in staff if member.email.strip())
    accepted, skipped = [], []
    for member in staff:
        email = normalise_email(member.email)
        reasons: list[Text] = []
        if not member.groups:
            reasons.append(deferred("niet gekoppeld aan een groep"))
        if not email:
            reasons.append(deferred("geen e-mailadres"))
        elif not _valid_email(email):
            reasons.append(deferred("ongeldig e-mailadres '%(email)s'", email=member.email.strip()))
        elif counts[email] > 1:
            reasons.append(
                deferred(
                    "e-mailadres %(email)s wordt door %(count)d medewerkers gebruikt",
                    email=email,
                    count=counts[email],
                )
            )
        if reasons:
            skipped.append(SkippedStaff(member.key, tuple(reasons), member.line))
        else:
            accepted.append(member)
    return accepted, skipped


def _wanted_groups(member: EdexStaff) -> dict[str, tuple[str, ...]]:
    wanted: dict[str, tuple[str, ...]] = {}
    for link in member.groups:
        roles = wanted.get(link.key, ())
        wanted[link.key] = roles + tuple(role for role in link.roles if role not in roles)
    return wanted


class _Planner:
    def __init__(
        self,
        members: tuple[CurrentStaffMember, ...],
        placements: tuple[CurrentPlacement, ...],
        group_key_of: dict[int, str],
        now: dt.datetime,
    ) -> None:
        self.diff = StaffDiff()
        self.now = now
        self.members_by_email = {member.email: member for member in members}
        self.members_by_id = {member.id: member for member in members}
        self.placements = placements
        self.placement_by_staff = {placement.staff_id: placement for placement in placements}
        self.placement_by_key = {placement.key: placement for placement in placements if placement.key}
        self.group_key_of = group_key_of
        self.kept: set[int] = set()  # placement ids matched by the file

    def member_for(self, staff: EdexStaff, email: str, emails: set[str]) -> CurrentStaffMember | None:
        member = self.members_by_email.get(email)
        if member is None and not staff.unstable_key:
            by_key = self.placement_by_key.get(staff.key)
            old = self.members_by_id.get(by_key.staff_id) if by_key else None
            if old is not None and old.email not in emails:  # the LAS changed this person's email
                return old
        return member

    def plan(self, staff: EdexStaff, email: str, emails: set[str]) -> None:
        ops, tally = self.diff.ops, self.diff.tally
        member = self.member_for(staff, email, emails)
        member_values = {
            "email": email,
            "first_name": staff.first_name,
            "infix": staff.infix,
            "surname": staff.surname,
            "eck_id": staff.eck_id,
        }
        member_changes: tuple[str, ...] = ()
        if member is None:
            ops.members_create.append(NewMember(**member_values))
        else:
            ops.member_ids[email] = member.id
            member_changes = tuple(k for k, v in member_values.items() if getattr(member, k) != v)
            if member_changes:
                ops.members_update.append(RowUpdate(member.id, member_values, member_changes))
        placement = self.placement_by_staff.get(member.id) if member else None
        wanted = _wanted_groups(staff)
        item_label = _label(staff)
        if placement is None:
            ops.placements_create.append(NewPlacement(staff.key, email, staff.roles))
            ops.memberships_create.extend((staff.key, key, roles) for key, roles in wanted.items())
            tally.added.append(Item(staff.key, item_label))
            return
        self.kept.add(placement.id)
        ops.placement_ids[staff.key] = placement.id
        was_teacher = placement.active and TEACHER in placement.roles
        roles = placement.roles if TEACHER in placement.roles else (*placement.roles, TEACHER)
        values = {
            "las_key": staff.key,
            "las_roles": list(staff.roles),
            "roles": list(roles),
            "active": True,
            "deactivated_at": None,
        }
        changes = list(member_changes)
        if placement.key != staff.key:
            changes.append("las_key")
        if placement.las_roles != staff.roles:
            changes.append("las_roles")
        if not was_teacher or changes:
            ops.placements_update.append(RowUpdate(placement.id, values))
        moved = self._memberships(staff.key, placement, wanted)
        if moved == "groups":
            changes.append("groups")
        elif moved == "roles":
            changes.append("group_roles")
        item = Item(staff.key, item_label, tuple(changes), old_new(member, member_values, member_changes))
        if not was_teacher:
            tally.added.append(item)
            ops.added_uuids.append(self.members_by_id[placement.staff_id].uuid)
        elif changes:
            tally.changed.append(item)
            if moved == "groups":
                tally.moved.append(item)
        else:
            tally.unchanged += 1

    def _memberships(
        self, staff_key: str, placement: CurrentPlacement, wanted: dict[str, tuple[str, ...]]
    ) -> str:
        """Plans the membership changes; "groups" when the set of groups changes, "roles" when only
        the roles per group do, else ""."""
        ops = self.diff.ops
        have: set[str] = set()
        outcome = ""
        for membership_id, group_id, roles in placement.memberships:
            key = self.group_key_of.get(group_id)
            if key is None or key not in wanted:
                ops.memberships_delete.append(membership_id)
                outcome = "groups"
                continue
            have.add(key)
            if roles != wanted[key]:
                ops.memberships_update.append(RowUpdate(membership_id, {"las_roles": list(wanted[key])}))
                outcome = outcome or "roles"
        for key, roles in wanted.items():
            if key not in have:
                ops.memberships_create.append((staff_key, key, roles))
                outcome = "groups"
        return outcome

    def removals(self, claimed: set[str]) -> None:
        ops, tally = self.diff.ops, self.diff.tally
        for placement in self.placements:
            if placement.id in self.kept:
                continue
            if not (placement.active and TEACHER in placement.roles):
                if placement.key in claimed:  # e.g. teacher role taken away by hand; key now someone else's
                    ops.placements_release.append(placement.id)
                continue
            member = self.members_by_id[placement.staff_id]
            roles = [role for role in placement.roles if role != TEACHER]
            ops.placements_update.append(
                RowUpdate(
                    placement.id,
                    {
                        "las_key": None,
                        "las_roles": [],
                        "roles": roles,
                        "active": bool(roles),
                        "deactivated_at": None if roles else self.now,
                    },
                )
            )
            ops.memberships_delete.extend(membership_id for membership_id, _, _ in placement.memberships)
            ops.access_removed_uuids.append(member.uuid)
            tally.removed.append(Item(placement.key or "", _label(member)))


def diff_staff(
    staff: tuple[EdexStaff, ...],
    members: tuple[CurrentStaffMember, ...],
    placements: tuple[CurrentPlacement, ...],
    group_key_of: dict[int, str],
    warnings: list[Problem],
    *,
    now: dt.datetime,
) -> StaffDiff:
    accepted, skipped = apply_rule_b3(staff)
    planner = _Planner(members, placements, group_key_of, now)
    planner.diff.skipped = skipped
    planner.diff.active = sum(1 for p in placements if p.active and TEACHER in p.roles)
    emails = {normalise_email(member.email) for member in accepted}
    for member in accepted:
        planner.plan(member, normalise_email(member.email), emails)
    planner.removals({member.key for member in accepted})
    if skipped:
        warnings.append(
            Problem(
                0,
                deferred_plural(
                    "%(count)d medewerker niet geïmporteerd; zie de overgeslagen medewerkers.",
                    "%(count)d medewerkers niet geïmporteerd; zie de overgeslagen medewerkers.",
                    len(skipped),
                ),
            )
        )
    return planner.diff
