"""The reads of the disclosure path, written out once (`core.rows`): they run on every sign-in to a
partner and on every portal page, where building them with the ORM cost more than running them.

    consents_at(school_ref, partner_ids) -> {partner_id: Consent}          with `.school` loaded
    person_in_groups(kind, person, school_id) -> (person, groups)          active member, active groups

`person` is (uuid, first_name, infix, surname, eck_id) and each group (pk, uuid, name, year_group,
kind); `person` is None when the person is not an active member of an active group at the school
(the caller then looks for the person alone).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from django.db import connection

from klaspoort.core.rows import ModelColumns
from klaspoort.federation.models import Consent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)

PERSON_FIELDS = ("uuid", "first_name", "infix", "surname", "eck_id")
GROUP_FIELDS = ("id", "uuid", "name", "year_group", "kind")

_CONSENT = ModelColumns(Consent, "c", ("school", "partner", "active", "names", "eck_id"))
_SCHOOL = ModelColumns(SchoolLocation, "s", ("active", "instelling_ref", "brin", "location_code", "name"))
_GROUP = ModelColumns(Group, "g", GROUP_FIELDS)
_STAFF = ModelColumns(StaffMember, "st", PERSON_FIELDS)
_PUPIL = ModelColumns(Pupil, "pu", PERSON_FIELDS)
_PLACEMENT = ModelColumns(StaffPlacement, "p", ())
_STAFF_MEMBERSHIP = ModelColumns(StaffMembership, "m", ())
_PUPIL_MEMBERSHIP = ModelColumns(PupilMembership, "m", ())
_SCHOOL_OF_CONSENT = Consent._meta.get_field("school")
_SQL: dict[tuple[str, str], str] = {}


def _statement(name: str) -> str:
    """The SQL text `name` for this database; names come from the models, values are parameters."""
    found = _SQL.get((connection.vendor, name))
    if found is not None:
        return found
    c = connection
    if name == "consents":
        found = (
            f"SELECT {_CONSENT.select(c)}, {_SCHOOL.select(c)} FROM {_CONSENT.table(c)}"  # noqa: S608
            f"{_SCHOOL.joined_on(c, _CONSENT, 'school')}"
            f" WHERE {_SCHOOL.column(c, 'instelling_ref')} = %s AND {_CONSENT.column(c, 'partner')} IN "
        )
    elif name == "staff":
        found = (
            f"SELECT {_STAFF.select(c)}, {_GROUP.select(c)} FROM {_STAFF_MEMBERSHIP.table(c)}"  # noqa: S608
            f"{_PLACEMENT.joined_on(c, _STAFF_MEMBERSHIP, 'placement')}"
            f"{_STAFF.joined_on(c, _PLACEMENT, 'staff')}"
            f"{_GROUP.joined_on(c, _STAFF_MEMBERSHIP, 'group')}"
            f" WHERE {_STAFF.column(c, 'uuid')} = %s AND {_PLACEMENT.column(c, 'school')} = %s"
            f" AND {_PLACEMENT.column(c, 'active')} = %s AND {_GROUP.column(c, 'active')} = %s"
        )
    else:
        found = (
            f"SELECT {_PUPIL.select(c)}, {_GROUP.select(c)} FROM {_PUPIL_MEMBERSHIP.table(c)}"  # noqa: S608
            f"{_PUPIL.joined_on(c, _PUPIL_MEMBERSHIP, 'pupil')}"
            f"{_GROUP.joined_on(c, _PUPIL_MEMBERSHIP, 'group')}"
            f" WHERE {_PUPIL.column(c, 'uuid')} = %s AND {_PUPIL.column(c, 'school')} = %s"
            f" AND {_PUPIL.column(c, 'active')} = %s AND {_GROUP.column(c, 'active')} = %s"
        )
    _SQL[(connection.vendor, name)] = found
    return found


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def consents_at(school_ref: uuid.UUID, partner_ids: Iterable[int]) -> dict[int, Consent]:
    """The consents of these partners at the school, by partner id, each with its school (1 query)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    sql = _statement("consents") + "(" + ", ".join(["%s"] * len(ids)) + ")"
    found = {}
    for row in _rows(sql, [_SCHOOL.param(connection, "instelling_ref", school_ref), *ids]):
        consent = _CONSENT.build(row, 0, connection)
        _SCHOOL_OF_CONSENT.set_cached_value(consent, _SCHOOL.build(row, _CONSENT.width, connection))
        found[consent.partner_id] = consent
    return found


def _ordered(
    columns: ModelColumns[Any], names: tuple[str, ...], row: tuple[Any, ...], start: int
) -> tuple[Any, ...]:
    values = dict(zip(columns.attnames, columns.values(row, start, connection), strict=True))
    return tuple(values[name] for name in names)


def person_in_groups(
    kind: Literal["staff", "pupil"], person: uuid.UUID, school_id: int
) -> tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]:
    """The person (staff member or pupil) and their active groups at the school (1 query)."""
    columns = _STAFF if kind == "staff" else _PUPIL
    params = [columns.param(connection, "uuid", person), school_id, True, True]
    rows = _rows(_statement(kind), params)
    if not rows:
        return None, []
    found = _ordered(columns, PERSON_FIELDS, rows[0], 0)
    return found, [_ordered(_GROUP, GROUP_FIELDS, row, columns.width) for row in rows]
