from __future__ import annotations

from klaspoort.federation.saml.assertion import SamlAttribute
from klaspoort.federation.saml.attributes import entree_attributes
from tests.federation.saml.helpers import released

ECK = "https://ketenid.nl/201703/" + "a" * 128


def test_identity_only_without_consent_for_names_or_eck_id() -> None:
    assert entree_attributes(released(sub="p1", role="pupil"), "klaspoort.nl") == (
        SamlAttribute("uid", ("p1@klaspoort.nl",)),
        SamlAttribute("eduPersonAffiliation", ("student",)),
        SamlAttribute("nlEduPersonHomeOrganizationId", ("12AB",)),
        SamlAttribute("nlEduPersonHomeOrganizationBranchId", ("12AB01",)),
        SamlAttribute("nlEduPersonHomeOrganization", ("De Regenboog",)),
    )


def test_names_and_eck_id_when_released() -> None:
    person = released(
        sub="p2", role="staff", given_name="Anna", infix="van der", family_name="Berg", eck_id=ECK
    )
    attributes = {a.name: a.values for a in entree_attributes(person, "klaspoort.nl")}
    assert attributes == {
        "uid": ("p2@klaspoort.nl",),
        "eduPersonAffiliation": ("employee",),
        "nlEduPersonHomeOrganizationId": ("12AB",),
        "nlEduPersonHomeOrganizationBranchId": ("12AB01",),
        "nlEduPersonHomeOrganization": ("De Regenboog",),
        "givenName": ("Anna",),
        "sn": ("Berg",),
        "nlEduPersonTussenvoegsels": ("van der",),
        "eckId": (ECK,),
    }


def test_empty_infix_is_left_out() -> None:
    person = released(given_name="Bo", infix="", family_name="Jansen")
    assert "nlEduPersonTussenvoegsels" not in {a.name for a in entree_attributes(person, "r")}
