from __future__ import annotations

from klaspoort.federation.saml.assertion import SamlAttribute
from klaspoort.federation.saml.attributes import DisclosedPerson, entree_attributes


def test_identity_only_without_consent_for_names_or_eck_id() -> None:
    person = DisclosedPerson(
        pseudonym="p1", kind="pupil", brin="12AB", location_code="01", school_name="De Regenboog"
    )
    assert entree_attributes(person, "klaspoort.nl") == (
        SamlAttribute("uid", ("p1@klaspoort.nl",)),
        SamlAttribute("eduPersonAffiliation", ("student",)),
        SamlAttribute("nlEduPersonHomeOrganizationId", ("12AB",)),
        SamlAttribute("nlEduPersonHomeOrganizationBranchId", ("12AB01",)),
        SamlAttribute("nlEduPersonHomeOrganization", ("De Regenboog",)),
    )


def test_names_and_eck_id_when_released() -> None:
    person = DisclosedPerson(
        pseudonym="p2",
        kind="staff",
        brin="12AB",
        location_code="00",
        school_name="De Regenboog",
        given_name="Anna",
        infix="van der",
        family_name="Berg",
        eck_id="https://ketenid.nl/201703/" + "a" * 128,
    )
    attributes = {a.name: a.values for a in entree_attributes(person, "klaspoort.nl")}
    assert attributes == {
        "uid": ("p2@klaspoort.nl",),
        "eduPersonAffiliation": ("employee",),
        "nlEduPersonHomeOrganizationId": ("12AB",),
        "nlEduPersonHomeOrganizationBranchId": ("12AB00",),
        "nlEduPersonHomeOrganization": ("De Regenboog",),
        "givenName": ("Anna",),
        "sn": ("Berg",),
        "nlEduPersonTussenvoegsels": ("van der",),
        "eckId": ("https://ketenid.nl/201703/" + "a" * 128,),
    }


def test_empty_infix_is_left_out() -> None:
    person = DisclosedPerson(
        pseudonym="p3", kind="pupil", brin="12AB", location_code="00", school_name="X",
        given_name="Bo", infix="", family_name="Jansen",
    )  # fmt: skip
    assert "nlEduPersonTussenvoegsels" not in {a.name for a in entree_attributes(person, "r")}
