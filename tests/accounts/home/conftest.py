"""A family for home-login tests: one parent address, two children at two schools.

Sanne (group 5, PIN 4821) is at De Regenboog; Daan (group 2, picture password ster,maan) is at
De Klimop. Each school has the child's teacher; De Regenboog also has a colleague with another group
and an ICT coordinator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from klaspoort.accounts.home.actions import do_set_home_addresses
from klaspoort.accounts.models import Account
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, StaffPlacement, StaffRole
from tests.accounts.pupils import roster
from tests.roster import factories

PARENT = "ouder@thuis.example"
PARENT_PASSWORD = "Zomervakantie-2027"
SANNE_PIN = "4821"
DAAN_PICTURES = "ster,maan"
LINK = re.compile(r"https?://[^\s]+/thuis/(?:activeren|wachtwoord)/[0-9a-f-]{36}/")


@dataclass
class Family:
    regenboog: SchoolLocation
    klimop: SchoolLocation
    group5: Group
    group2: Group
    other_group: Group
    sanne: Pupil
    daan: Pupil
    classmate: Pupil
    sanne_code: PupilCredential
    daan_code: PupilCredential
    teacher: StaffPlacement
    daan_teacher: StaffPlacement
    colleague: StaffPlacement
    coordinator: StaffPlacement


def make_family() -> Family:
    regenboog = factories.school("12AB00", "De Regenboog")
    klimop = factories.school("34CD00", "De Klimop")
    group5 = factories.group(regenboog, "Groep 5", year_group="5")
    group2 = factories.group(klimop, "Groep 2", year_group="2")
    other_group = factories.group(regenboog, "Groep 7", year_group="7")
    sanne = factories.pupil(group5, "Sanne", "de Boer")
    classmate = factories.pupil(group5, "Mila", "Visser")
    daan = factories.pupil(group2, "Daan", "de Boer")
    factories.pupil(other_group, "Zoë", "Bakker")
    sanne_code = do_new_code(
        roster.credentials(group5)["Sanne"],
        actor=SystemActor("test"), school_ref=regenboog.instelling_ref, kind=CodeKind.PIN, code=SANNE_PIN,
    )  # fmt: skip
    daan_code = do_new_code(
        roster.credentials(group2)["Daan"],
        actor=SystemActor("test"), school_ref=klimop.instelling_ref, kind=CodeKind.PICTURES, code=DAAN_PICTURES,
    )  # fmt: skip
    return Family(
        regenboog=regenboog,
        klimop=klimop,
        group5=group5,
        group2=group2,
        other_group=other_group,
        sanne=sanne,
        daan=daan,
        classmate=classmate,
        sanne_code=sanne_code,
        daan_code=daan_code,
        teacher=factories.staff(regenboog, "juf@regenboog.example", groups=(group5,), first_name="Ineke"),
        daan_teacher=factories.staff(klimop, "meester@klimop.example", groups=(group2,), first_name="Piet"),
        colleague=factories.staff(regenboog, "collega@regenboog.example", groups=(other_group,)),
        coordinator=factories.staff(regenboog, "ict@regenboog.example", roles=(StaffRole.ICT_COORDINATOR,)),
    )


@pytest.fixture
def fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def family(db: None, fast_hasher: None) -> Family:
    return make_family()


def last_link(to: str) -> str:
    """The link in the newest mail to `to` (locmem outbox)."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = LINK.search(str(message.body))
            assert found is not None, message.body
            return found.group(0)
    raise AssertionError(f"no mail to {to}")


def activated_parent(family: Family, email: str = PARENT, password: str = PARENT_PASSWORD) -> Account:
    """The parent's address set for both children and the account activated through the mail."""
    from klaspoort.accounts.home.actions import do_activate_home

    do_set_home_addresses(family.sanne, [email], actor=SystemActor("test"))
    do_set_home_addresses(family.daan, [email], actor=SystemActor("test"))
    token = last_link(email).rstrip("/").rsplit("/", 1)[1]
    return do_activate_home(token, password)


@pytest.fixture
def parent(family: Family) -> Account:
    return activated_parent(family)


def log_in_parent(client: Client, email: str = PARENT, password: str = PARENT_PASSWORD) -> Any:
    return client.post("/thuis/", {"email": email, "password": password})
