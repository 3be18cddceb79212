"""Pupil-login helpers on top of the shared roster builders (`tests.roster.factories`): a classroom,
its credentials as the shortcut makes them, and a staff principal in a test client's session."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.accounts.pupils.actions import do_ensure_credentials
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import members_of
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, StaffPlacement
from tests.roster import factories


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
    at = factories.school(code)
    home = factories.group(at)
    return Classroom(at, home, {name: factories.pupil(home, name) for name in names})
