"""Group overview (E1): /klas/ lists the visible groups, /klas/<group uuid>/ shows one group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.accounts.permissions import can_arrange_substitute, can_print_login_cards, sees_whole_school
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import has_credential
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.classroom.columns import OverviewColumn, registered_columns
from klaspoort.classroom.lookups import group_list, group_members, teachers_of, visible_group
from klaspoort.classroom.names import pupil_labels
from klaspoort.core.clock import now
from klaspoort.roster.models import Pupil

RECENT_FAILURES = dt.timedelta(days=7)


@dataclass
class Cell:
    column: OverviewColumn
    value: Any


@dataclass
class Row:
    pupil: Pupil
    credential: PupilCredential | None
    recent_failures: int
    label: str  # the first name, or the full name when it repeats in the group (classroom.names)
    cells: list[Cell] = field(default_factory=list)


def _recent_failures(credential: PupilCredential | None, moment: dt.datetime) -> int:
    if credential is None or credential.last_failed_at is None:
        return 0
    return credential.failed_attempts if credential.last_failed_at >= moment - RECENT_FAILURES else 0


@never_cache
@require_GET
@staff_view
def groups(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    context = {
        "groups": group_list(access),
        "school": access.placement.school,
        "whole_school": sees_whole_school(access.placement),
    }
    return render(request, "classroom/group_list.html", context)


@never_cache
@require_GET
@staff_view
def group_detail(request: HttpRequest, access: StaffAccess, group: str) -> HttpResponse:
    found = visible_group(access, group)
    if found is None:
        return denied(request, _("Deze groep hoort niet bij jou, of bestaat niet (meer)."))
    members = group_members(found)
    pupils = [membership.pupil for membership in members]
    columns = registered_columns()
    values = {column.key: column.load(found, pupils, access) for column in columns}
    moment = now()
    labels = pupil_labels(pupils)
    rows = []
    for pupil in pupils:
        credential = has_credential(pupil)
        cells = [Cell(column, values[column.key].get(pupil.pk)) for column in columns]
        rows.append(Row(pupil, credential, _recent_failures(credential, moment), labels[pupil.pk], cells))
    teachers = teachers_of(found)
    context = {
        "access": access,
        "group": found,
        "teachers": teachers,
        "rows": rows,
        "columns": columns,
        "may_print_cards": can_print_login_cards(access.placement, found),
        "may_arrange_substitute": can_arrange_substitute(access.placement, found, teachers=teachers),
    }
    return render(request, "classroom/group_detail.html", context)
