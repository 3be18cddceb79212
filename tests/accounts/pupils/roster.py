"""Roster rows for pupil-login tests, created directly (no EDEXML import needed)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.accounts.pupils.actions import do_ensure_credentials
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import members_of
from klaspoort.core.clock import current_school_year_start
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
    StaffRole,
)

_keys = itertools.count(1)


def school(code: str = "12AB00", name: str = "De Regenboog") -> SchoolLocation:
    return do_register_school(code, name=name)


def school_year(offset: int = 0) -> SchoolYear:
    year, _created = SchoolYear.objects.get_or_create(start_year=current_school_year_start() + offset)
    return year


def group(
    at: SchoolLocation,
    name: str = "Groep 5",
    *,
    year_group: str = "5",
    kind: str = Group.Kind.HOME,
    year_offset: int = 0,
    active: bool = True,
) -> Group:
    return Group.objects.create(
        school=at,
        school_year=school_year(year_offset),
        kind=kind,
        las_key=f"g{next(_keys)}",
        name=name,
        year_group=year_group if kind == Group.Kind.HOME else "",
        active=active,
    )


def pupil(
    in_group: Group, first_name: str, surname: str = "Jansen", *, year_group: str | None = None
) -> Pupil:
    created = Pupil.objects.create(
        school=in_group.school,
        las_key=f"p{next(_keys)}",
        first_name=first_name,
        surname=surname,
        year_group=in_group.year_group if year_group is None else year_group,
    )
    PupilMembership.objects.create(pupil=created, group=in_group)
    return created


def pupils(in_group: Group, count: int) -> list[Pupil]:
    return [pupil(in_group, f"Kind{index:02d}", f"Achternaam{index:02d}") for index in range(count)]


def credentials(in_group: Group) -> dict[str, PupilCredential]:
    """Create the group's credentials as the shortcut would; first name -> credential."""
    members = members_of(in_group)
    do_ensure_credentials(in_group, members)
    return {
        credential.pupil.first_name: credential
        for credential in PupilCredential.objects.filter(pupil__memberships__group=in_group).select_related(
            "pupil"
        )
    }


def staff(
    at: SchoolLocation,
    email: str,
    *,
    roles: tuple[str, ...] = (StaffRole.TEACHER,),
    groups: tuple[Group, ...] = (),
    first_name: str = "Anna",
    surname: str = "de Vries",
) -> StaffPlacement:
    member, _created = StaffMember.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "surname": surname}
    )
    placement = StaffPlacement.objects.create(staff=member, school=at, roles=list(roles), las_key=email)
    for each in groups:
        StaffMembership.objects.create(placement=placement, group=each)
    return placement


def sign_in_staff(client: Client, placement: StaffPlacement) -> None:
    """Until staff login lands: write a staff Principal into the session, as the login would."""
    principal = Principal(kind="staff", person=placement.staff.uuid, school=placement.school.instelling_ref)
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()


@dataclass
class Classroom:
    school: SchoolLocation
    group: Group
    pupils: dict[str, Pupil] = field(default_factory=dict)


def classroom(code: str = "12AB00", names: tuple[str, ...] = ("Anna", "Bram", "Chloe")) -> Classroom:
    at = school(code)
    home = group(at)
    return Classroom(at, home, {name: pupil(home, name) for name in names})
