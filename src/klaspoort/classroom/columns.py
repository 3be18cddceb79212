"""Extension point of the group overview: extra per-pupil columns, registered from an AppConfig.ready().

The home-login column ("Thuis inloggen", `classroom.home_column`) is registered like this:

    register_column(OverviewColumn(
        key="home_accounts.state", header=_("Thuis inloggen"), template="classroom/home_cell.html",
        load=load,   # (group, pupils, access) -> {pupil.pk: value}; ONE query for all
        order=50,
    ))

The cell template is rendered with `value` (from `load`, None if absent), `pupil`, `label` (how to
name the pupil in this group: the full name where first names repeat, `classroom.names`), `group` and
`access` (classroom.access.StaffAccess), and may contain forms posting to views that use
`classroom.access.staff_view` and `classroom.lookups.pupil_in_visible_group`. Apps above classroom
(portal, schooladmin and later ones) may register columns of their own the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from klaspoort.roster.models import Group, Pupil

if TYPE_CHECKING:
    from klaspoort.classroom.access import StaffAccess

ColumnLoader = Callable[[Group, Sequence[Pupil], "StaffAccess"], Mapping[int, Any]]


@dataclass(frozen=True)
class OverviewColumn:
    key: str
    header: str | Promise
    template: str
    load: ColumnLoader
    order: int = 100


_columns: dict[str, OverviewColumn] = {}


def register_column(column: OverviewColumn) -> None:
    _columns[column.key] = column


def unregister_column(key: str) -> None:
    _columns.pop(key, None)


def registered_columns() -> list[OverviewColumn]:
    return sorted(_columns.values(), key=lambda column: (column.order, column.key))
