"""Snapshots of the roster tables, to prove that a refused import changed nothing."""

from __future__ import annotations

from typing import Any

from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)

TABLES: tuple[Any, ...] = (
    SchoolLocation,
    SchoolYear,
    Group,
    Pupil,
    PupilMembership,
    StaffMember,
    StaffPlacement,
    StaffMembership,
)


def roster_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every roster table, all columns, in id order."""
    return {model.__name__: list(model.objects.order_by("id").values()) for model in TABLES}
