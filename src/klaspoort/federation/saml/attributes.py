"""Entree attribute names for what the disclosure path released.

Partners already read these names from the Dutch education federation (Entree), so their code
works unchanged. Names are sent as-is (NameFormat basic, FriendlyName the same). Only values
present in `DisclosedPerson` are sent; what consent withheld is None there and absent here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from klaspoort.federation.saml.assertion import SamlAttribute

UID = "uid"
AFFILIATION = "eduPersonAffiliation"
HOME_ORGANIZATION_ID = "nlEduPersonHomeOrganizationId"
HOME_ORGANIZATION_BRANCH_ID = "nlEduPersonHomeOrganizationBranchId"
HOME_ORGANIZATION = "nlEduPersonHomeOrganization"
GIVEN_NAME = "givenName"
SURNAME = "sn"
INFIX = "nlEduPersonTussenvoegsels"
ECK_ID = "eckId"

AFFILIATIONS = {"staff": "employee", "pupil": "student"}


@dataclass(frozen=True)
class DisclosedPerson:
    """What the disclosure function released for one person to one partner."""

    pseudonym: str
    kind: Literal["staff", "pupil"]
    brin: str
    location_code: str
    school_name: str
    given_name: str | None = None
    infix: str | None = None
    family_name: str | None = None
    eck_id: str | None = None


def uid_value(pseudonym: str, realm: str) -> str:
    return f"{pseudonym}@{realm}"


def entree_attributes(person: DisclosedPerson, realm: str) -> tuple[SamlAttribute, ...]:
    pairs: list[tuple[str, str | None]] = [
        (UID, uid_value(person.pseudonym, realm)),
        (AFFILIATION, AFFILIATIONS[person.kind]),
        (HOME_ORGANIZATION_ID, person.brin),
        (HOME_ORGANIZATION_BRANCH_ID, f"{person.brin}{person.location_code}"),
        (HOME_ORGANIZATION, person.school_name),
        (GIVEN_NAME, person.given_name),
        (SURNAME, person.family_name),
        (INFIX, person.infix),
        (ECK_ID, person.eck_id),
    ]
    return tuple(SamlAttribute(name, (value,)) for name, value in pairs if value)
