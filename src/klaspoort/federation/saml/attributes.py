"""Entree attribute names for what the disclosure path released.

Partners already read these names from the Dutch education federation (Entree), so their code
works unchanged. Names are sent as-is (NameFormat basic, FriendlyName the same). The values come
only from the disclosure path's `Released`; what consent withheld is None there and absent here.
"""

from __future__ import annotations

from klaspoort.federation.disclosure import Released
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


def uid_value(pseudonym: str, realm: str) -> str:
    return f"{pseudonym}@{realm}"


def entree_attributes(released: Released, realm: str) -> tuple[SamlAttribute, ...]:
    """The attributes for one release; a value the release withheld (None or empty) is left out."""
    school = released.school
    pairs: list[tuple[str, str | None]] = [
        (UID, uid_value(released.sub, realm)),
        (AFFILIATION, AFFILIATIONS[released.role]),
        (HOME_ORGANIZATION_ID, school.brin),
        (HOME_ORGANIZATION_BRANCH_ID, f"{school.brin}{school.location_code}"),
        (HOME_ORGANIZATION, school.name),
        (GIVEN_NAME, released.given_name),
        (SURNAME, released.family_name),
        (INFIX, released.infix),
        (ECK_ID, released.eck_id),
    ]
    return tuple(SamlAttribute(name, (value,)) for name, value in pairs if value)
