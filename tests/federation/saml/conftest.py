"""Roster, partner and sign-in fixtures for the SAML IdP tests."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import pytest
from django.conf import settings
from django.test import RequestFactory

from klaspoort.accounts.principal import Principal, establish_principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner, do_withdraw_consent
from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.federation.pseudonyms import pairwise_subject
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Pupil, StaffMember
from tests.federation.saml.pysaml2_sp import SP_ACS_URL, SP_ENTITY_ID
from tests.roster import factories

SECTOR = "sector:rekenwijs"
ECK = "https://ketenid.nl/201703/" + "b" * 128


@dataclass
class World:
    school: SchoolLocation
    pupil: Pupil
    staff: StaffMember
    partner: Partner
    app: PartnerApp

    def tick(self, *, names: bool = False, eck_id: bool = False) -> None:
        do_grant_consent(self.school, self.partner, names=names, eck_id=eck_id, actor=SystemActor("test"))

    def untick(self) -> None:
        do_withdraw_consent(self.school, self.partner, actor="test")

    @property
    def pupil_principal(self) -> Principal:
        return Principal(
            kind="pupil", person=self.pupil.uuid, school=self.school.instelling_ref, auth_time=1_700_000_000
        )

    @property
    def staff_principal(self) -> Principal:
        return Principal(kind="staff", person=self.staff.uuid, school=self.school.instelling_ref)

    def pseudonym(self, person_uuid) -> str:
        return pairwise_subject(SECTOR, person_uuid, settings.PSEUDONYM_SECRET)


def make_world(*, acs_urls: list[str] | None = None, certificate: str = "", names: bool = False) -> World:
    school = factories.school("12AB01", "De Regenboog")
    group = factories.group(school, "Groep 7", year_group="7")
    pupil = factories.pupil(group, "Sem", "Vries", infix="de", eck_id=ECK)
    staff = factories.staff(
        school, "anna@example.nl", groups=(group,), first_name="Anna", infix="van der", surname="Berg"
    ).staff
    saml = {"entity_id": SP_ENTITY_ID, "acs_urls": acs_urls or [SP_ACS_URL], "certificate": certificate}
    spec = {
        "slug": "uitgeverij-noord",
        "name": "Uitgeverij Noord",
        "kind": "publisher",
        "sector_id": SECTOR,
        "apps": [{"slug": "rekenwijs", "name": "Rekenwijs", "saml": saml}],
    }
    do_register_partner(parse_partner_spec(spec), actor="test")
    app = PartnerApp.objects.select_related("partner").get(slug="rekenwijs")
    world = World(school, pupil, staff, app.partner, app)
    world.tick(names=names, eck_id=names)
    return world


@pytest.fixture
def world(db) -> World:
    return make_world()


def signed_in_session(principal: Principal) -> str:
    """A stored session in which `principal` is signed in; returns the session key."""
    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    establish_principal(request, principal)
    request.session.save()
    assert request.session.session_key
    return request.session.session_key


def sign_in(client, principal: Principal) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(principal)
