"""Write a plan to the database: batched (bulk_create / bulk_update / `in` queries), so the number of
queries does not depend on the size of the roster. Call inside `transaction.atomic` with the school
locked (`locking.lock_school`); `actions.do_import_edexml` does both."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.importing.changes import RowUpdate
from klaspoort.roster.importing.diff_groups import GROUP_FIELDS
from klaspoort.roster.importing.diff_pupils import PUPIL_FIELDS
from klaspoort.roster.importing.diff_staff import MEMBER_FIELDS, PLACEMENT_FIELDS, TEACHER
from klaspoort.roster.importing.plan import Plan
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)

SET_ASIDE_PREFIX = "~moving~"


@dataclass
class Applied:
    """Who the signals sent after commit are about."""

    staff_added: list[uuid.UUID] = field(default_factory=list)
    staff_access_removed: list[uuid.UUID] = field(default_factory=list)
    pupils_removed: list[uuid.UUID] = field(default_factory=list)


def _set_aside(model: type[Group] | type[Pupil], ids: list[int]) -> None:
    """Give rows whose las_key changes a temporary unique key, so that keys can be swapped."""
    if ids:
        model.objects.filter(id__in=ids).update(
            las_key=Concat(Value(SET_ASIDE_PREFIX), Cast("id", output_field=CharField()))
        )


def _bulk_update(model: Any, updates: list[RowUpdate], fields: tuple[str, ...]) -> None:
    """One UPDATE of the fields that changed in any of `updates` (every row holds every field's new
    value, so a field changed in one row is written unchanged in the others): a night that changes a
    few first names builds one CASE, not one per field."""
    if not updates:
        return
    changed: set[str] = set()
    for row in updates:
        changed.update(fields if row.changed is None else row.changed)
    written = [name for name in fields if name in changed]
    if written:
        objects = [model(id=row.id, **{name: row.values[name] for name in written}) for row in updates]
        model.objects.bulk_update(objects, written)


def _groups(plan: Plan, school: SchoolLocation, year: SchoolYear) -> dict[str, int]:
    ops = plan.group_ops
    _bulk_update(Group, ops.release_keys, ("las_key",))
    _set_aside(Group, ops.rekey)
    if ops.deactivate:
        Group.objects.filter(id__in=ops.deactivate).update(active=False)
    _bulk_update(Group, ops.update, (*GROUP_FIELDS, "active"))
    created = Group.objects.bulk_create(
        Group(
            school=school,
            school_year=year,
            las_key=group.key,
            kind=group.kind,
            name=group.name,
            year_group=group.year_group if group.kind == "home" else "",
            description=group.description,
        )
        for group in ops.create
    )
    return {**ops.ids, **{group.las_key: group.id for group in created}}


def _pupils(plan: Plan, school: SchoolLocation, group_ids: dict[str, int], now: dt.datetime) -> None:
    ops = plan.pupil_ops
    _bulk_update(Pupil, ops.release_keys, ("las_key",))
    _set_aside(Pupil, ops.rekey)
    if plan.staged:  # only the keys (unique per school, never shown); the rest waits for the start day
        rekeyed = set(ops.rekey)
        keys = [
            RowUpdate(row.id, {"las_key": row.values["las_key"]}) for row in ops.update if row.id in rekeyed
        ]
        _bulk_update(Pupil, keys, ("las_key",))
    else:
        if ops.deactivate:
            Pupil.objects.filter(id__in=ops.deactivate).update(active=False, deactivated_at=now)
        _bulk_update(Pupil, ops.update, (*PUPIL_FIELDS, "active", "deactivated_at"))
    created = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            las_key=pupil.key,
            first_name=pupil.first_name,
            infix=pupil.infix,
            surname=pupil.surname,
            eck_id=pupil.eck_id,
            year_group=pupil.year_group,
            active=not plan.staged,
        )
        for pupil in ops.create
    )
    pupil_ids = {**ops.ids, **{pupil.las_key: pupil.id for pupil in created}}
    if ops.memberships_delete:
        PupilMembership.objects.filter(id__in=ops.memberships_delete).delete()
    PupilMembership.objects.bulk_create(
        PupilMembership(pupil_id=pupil_ids[pupil_key], group_id=group_ids[group_key])
        for pupil_key, group_key in ops.memberships_create
    )


def _staff(plan: Plan, school: SchoolLocation, group_ids: dict[str, int]) -> list[uuid.UUID]:
    """Writes the staff changes; the uuids of the members with a new placement here."""
    ops = plan.staff_ops
    if not plan.staged:
        _bulk_update(StaffMember, ops.members_update, MEMBER_FIELDS)
    if ops.members_create:
        # Another school's import may add the same person at the same moment: keep theirs.
        StaffMember.objects.bulk_create(
            (
                StaffMember(
                    email=new.email,
                    first_name=new.first_name,
                    infix=new.infix,
                    surname=new.surname,
                    eck_id=new.eck_id,
                )
                for new in ops.members_create
            ),
            ignore_conflicts=True,
        )
    if not plan.staged and (ops.placements_update or ops.placements_release):
        released = [row.id for row in ops.placements_update] + ops.placements_release
        StaffPlacement.objects.filter(id__in=released).update(las_key=None)
    if ops.placements_update and not plan.staged:
        _bulk_update(StaffPlacement, ops.placements_update, PLACEMENT_FIELDS)
    added: list[uuid.UUID] = []
    placement_ids = dict(ops.placement_ids)
    if ops.placements_create:
        emails = [new.email for new in ops.placements_create]
        members = {
            email: (member_id, member_uuid)
            for email, member_id, member_uuid in StaffMember.objects.filter(email__in=emails).values_list(
                "email", "id", "uuid"
            )
        }
        # Staged: inactive, without the teacher role and without a key (a key may still be someone
        # else's today); the start day's import gives all three.
        created = StaffPlacement.objects.bulk_create(
            StaffPlacement(
                staff_id=members[new.email][0],
                school=school,
                las_key=None if plan.staged else new.staff_key,
                las_roles=list(new.las_roles),
                roles=[] if plan.staged else [TEACHER],
                active=not plan.staged,
                source=StaffPlacement.Source.IMPORT,
            )
            for new in ops.placements_create
        )
        placement_ids.update(
            {
                new.staff_key: placement.id
                for new, placement in zip(ops.placements_create, created, strict=True)
            }
        )
        added = [] if plan.staged else [members[new.email][1] for new in ops.placements_create]
    if ops.memberships_delete:
        StaffMembership.objects.filter(id__in=ops.memberships_delete).delete()
    _bulk_update(StaffMembership, ops.memberships_update, ("las_roles",))
    StaffMembership.objects.bulk_create(
        StaffMembership(
            placement_id=placement_ids[staff_key], group_id=group_ids[group_key], las_roles=list(roles)
        )
        for staff_key, group_key, roles in ops.memberships_create
    )
    if ops.placements_update and not plan.staged:
        # A substitute (C14) in the file now is staff like the others: no days of their own any more.
        updated = [row.id for row in ops.placements_update]
        StaffPlacement.objects.filter(id__in=updated).exclude(starts_on=None, ends_on=None).update(
            starts_on=None, ends_on=None
        )
        StaffMembership.objects.filter(placement_id__in=updated).exclude(starts_on=None, ends_on=None).update(
            starts_on=None, ends_on=None
        )
    return added


def apply_plan(plan: Plan, school: SchoolLocation, *, now: dt.datetime) -> Applied:
    """Write `plan` (which must be free of errors) for `school`. A staged plan (`Plan.staged`) writes
    only its year's groups and memberships, new pupils and staff placements inactive, and pupils'
    changed LAS keys (unique per school, never shown): nobody here today gains, loses or changes
    anything before the start day."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    year, _ = SchoolYear.objects.get_or_create(start_year=plan.start_year)
    group_ids = _groups(plan, school, year)
    _pupils(plan, school, group_ids, now)
    added = _staff(plan, school, group_ids)
    if plan.staged:  # nobody gains or loses anything before the start day
        return Applied()
    return Applied(
        staff_added=[*plan.staff_ops.added_uuids, *added],
        staff_access_removed=list(plan.staff_ops.access_removed_uuids),
        pupils_removed=list(plan.pupil_ops.removed_uuids),
    )
