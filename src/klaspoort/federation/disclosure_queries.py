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

from klaspoort.core.rows import ModelColumns, SqlText, fetch_rows
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

_CONSENTS = SqlText(  # + "(%s, …)": one mark per partner
    lambda c: (
        f"SELECT {_CONSENT.select(c)}, {_SCHOOL.select(c)} FROM {_CONSENT.table(c)}"  # noqa: S608
        f"{_SCHOOL.joined_on(c, _CONSENT, 'school')}"
        f" WHERE {_SCHOOL.column(c, 'instelling_ref')} = %s AND {_CONSENT.column(c, 'partner')} IN "
    )
)
_STAFF_IN_GROUPS = SqlText(
    lambda c: (
        f"SELECT {_STAFF.select(c)}, {_GROUP.select(c)} FROM {_STAFF_MEMBERSHIP.table(c)}"  # noqa: S608
        f"{_PLACEMENT.joined_on(c, _STAFF_MEMBERSHIP, 'placement')}"
        f"{_STAFF.joined_on(c, _PLACEMENT, 'staff')}"
        f"{_GROUP.joined_on(c, _STAFF_MEMBERSHIP, 'group')}"
        f" WHERE {_STAFF.column(c, 'uuid')} = %s AND {_PLACEMENT.column(c, 'school')} = %s"
        f" AND {_PLACEMENT.column(c, 'active')} = %s AND {_GROUP.column(c, 'active')} = %s"
    )
)
_PUPIL_IN_GROUPS = SqlText(
    lambda c: (
        f"SELECT {_PUPIL.select(c)}, {_GROUP.select(c)} FROM {_PUPIL_MEMBERSHIP.table(c)}"  # noqa: S608
        f"{_PUPIL.joined_on(c, _PUPIL_MEMBERSHIP, 'pupil')}"
        f"{_GROUP.joined_on(c, _PUPIL_MEMBERSHIP, 'group')}"
        f" WHERE {_PUPIL.column(c, 'uuid')} = %s AND {_PUPIL.column(c, 'school')} = %s"
        f" AND {_PUPIL.column(c, 'active')} = %s AND {_GROUP.column(c, 'active')} = %s"
    )
)


def _order(columns: ModelColumns[Any], names: tuple[str, ...]) -> list[int]:
    """Where each of `names` sits among `columns` (which follow the model's field order)."""
    return [columns.attnames.index(name) for name in names]


_STAFF_ORDER, _PUPIL_ORDER = _order(_STAFF, PERSON_FIELDS), _order(_PUPIL, PERSON_FIELDS)
_GROUP_ORDER = _order(_GROUP, GROUP_FIELDS)


def consents_at(school_ref: uuid.UUID, partner_ids: Iterable[int]) -> dict[int, Consent]:
    """The consents of these partners at the school, by partner id, each with its school (1 query)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    sql = _CONSENTS.text(connection) + "(" + ", ".join(["%s"] * len(ids)) + ")"
    found = {}
    for row in fetch_rows(connection, sql, [_SCHOOL.param(connection, "instelling_ref", school_ref), *ids]):
        consent = _CONSENT.build(row, 0, connection)
        _SCHOOL_OF_CONSENT.set_cached_value(consent, _SCHOOL.build(row, _CONSENT.width, connection))
        found[consent.partner_id] = consent
    return found


def person_in_groups(
    kind: Literal["staff", "pupil"], person: uuid.UUID, school_id: int
) -> tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]:
    """The person (staff member or pupil) and their active groups at the school (1 query)."""
    columns, order, sql = (
        (_STAFF, _STAFF_ORDER, _STAFF_IN_GROUPS)
        if kind == "staff"
        else (_PUPIL, _PUPIL_ORDER, _PUPIL_IN_GROUPS)
    )
    params = [columns.param(connection, "uuid", person), school_id, True, True]
    rows = fetch_rows(connection, sql.text(connection), params)
    if not rows:
        return None, []
    values = columns.values(rows[0], 0, connection)
    groups = []
    for row in rows:
        group = _GROUP.values(row, columns.width, connection)
        groups.append(tuple(group[index] for index in _GROUP_ORDER))
    return tuple(values[index] for index in order), groups
