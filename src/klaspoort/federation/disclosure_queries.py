"""The reads of the disclosure path, compiled once (`core.compiled`): they run on every sign-in to a
partner and on every portal page, where building them with the ORM cost more than running them.

    consents_at(school_ref, partner_ids) -> {partner_id: Consent}          with `.school` loaded
                                                                            (CONSENT_FIELDS, SCHOOL_FIELDS)
    person_in_groups(kind, person, school_id) -> (person, groups)          member, groups in force

`person` is (uuid, first_name, infix, surname, eck_id) and each group (pk, uuid, name, year_group,
kind); `person` is None when the person is in no group in force at the school (`in_force` of
`PupilMembership` / `StaffMembership`: the caller then looks for the person alone). Staff
memberships and placements may have days of their own (substitutes, C14): the day is a parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from django.db.models import QuerySet

from klaspoort.core import clock
from klaspoort.core.compiled import CompiledQuery, Param
from klaspoort.federation.models import Consent, Partner
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Pupil, PupilMembership, StaffMember, StaffMembership
from klaspoort.roster.schoolyears import year_in_force

PERSON_FIELDS = ("uuid", "first_name", "infix", "surname", "eck_id")
GROUP_FIELDS = ("id", "uuid", "name", "year_group", "kind")
_GROUP_COLUMNS = tuple(f"group__{name}" for name in GROUP_FIELDS)


# What the disclosure path reads of a consent and its school; the other columns (dates, the board,
# reorganisation links) are deferred: read only when used, not converted on every sign-in.
CONSENT_FIELDS = ("partner", "active", "names", "eck_id", "school")
SCHOOL_FIELDS = ("instelling_ref", "brin", "location_code", "name", "active")


def consents_queryset(school_ref: Any, partner_ids: Iterable[Any]) -> QuerySet[Consent]:
    """The plain QuerySet behind `consents_at` (the arguments may be `Param`s)."""
    return (
        Consent.objects.filter(school__instelling_ref=school_ref, partner__id__in=list(partner_ids))
        .select_related("school")
        .only(*CONSENT_FIELDS, *(f"school__{name}" for name in SCHOOL_FIELDS))
    )


def staff_groups_queryset(
    person: Any, school: Any, start_year: int, on: Any = None
) -> QuerySet[StaffMembership, Any]:
    """The plain QuerySet behind `person_in_groups("staff", …)` in the school year `start_year` on
    the day `on` (a `Param` in the compiled query; None: today)."""
    return (
        StaffMembership.objects.in_year(start_year, on=on)
        .filter(placement__staff__uuid=person, placement__school=school)
        .values_list(*(f"placement__staff__{name}" for name in PERSON_FIELDS), *_GROUP_COLUMNS)
    )


def pupil_groups_queryset(person: Any, school: Any, start_year: int) -> QuerySet[PupilMembership, Any]:
    """The plain QuerySet behind `person_in_groups("pupil", …)` in the school year `start_year`."""
    return (
        PupilMembership.objects.in_year(start_year)
        .filter(pupil__uuid=person, pupil__school=school)
        .values_list(*(f"pupil__{name}" for name in PERSON_FIELDS), *_GROUP_COLUMNS)
    )


_SCHOOL = Param.of(SchoolLocation, "pk", "school")
_CONSENTS = CompiledQuery(  # key: the number of partners
    Consent,
    lambda count: consents_queryset(
        Param.of(SchoolLocation, "instelling_ref", "school_ref"),
        [Param.of(Partner, "id", f"partner{index}") for index in range(count)],
    ),
)
_STAFF_GROUPS = CompiledQuery(  # key: the school year in force
    StaffMembership,
    lambda year: staff_groups_queryset(
        Param.of(StaffMember, "uuid", "person"), _SCHOOL, year, Param.of(StaffMembership, "ends_on", "on")
    ),
    rows=True,
)
_PUPIL_GROUPS = CompiledQuery(
    PupilMembership,
    lambda year: pupil_groups_queryset(Param.of(Pupil, "uuid", "person"), _SCHOOL, year),
    rows=True,
)


def consents_at(school_ref: uuid.UUID, partner_ids: Iterable[int]) -> dict[int, Consent]:
    """The consents of these partners at the school, by partner id, each with its school (1 query)."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    values: dict[str, Any] = {f"partner{index}": partner for index, partner in enumerate(ids)}
    found = _CONSENTS.fetch(key=(len(ids),), school_ref=school_ref, **values)
    return {consent.partner_id: consent for consent in found}


def person_in_groups(
    kind: Literal["staff", "pupil"], person: uuid.UUID, school_id: int
) -> tuple[tuple[Any, ...] | None, list[tuple[Any, ...]]]:
    """The person (staff member or pupil) and their groups in force at the school (1 query)."""
    key = (year_in_force(school_id),)  # the school's own start day
    if kind == "staff":
        rows = _STAFF_GROUPS.fetch(key=key, person=person, school=school_id, on=clock.today())
    else:
        rows = _PUPIL_GROUPS.fetch(key=key, person=person, school=school_id)
    if not rows:
        return None, []
    width = len(PERSON_FIELDS)
    return rows[0][:width], [row[width:] for row in rows]
