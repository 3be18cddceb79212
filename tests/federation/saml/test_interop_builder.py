"""pysaml2 (a SAML SP nobody here wrote) accepts our signed responses and rejects tampered ones.

These exercise the pure builder against pysaml2 without HTTP; the full flows over HTTP are in
test_interop_flows.py.
"""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from saml2 import BINDING_HTTP_POST
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.sigver import SignatureError

from klaspoort.federation.saml.assertion import ResponseInput, issue_response
from klaspoort.federation.saml.attributes import entree_attributes
from klaspoort.federation.saml.idp import IdentityProvider
from klaspoort.federation.saml.keys import _from_pem
from klaspoort.federation.saml.metadata import build_metadata
from tests.federation.saml.helpers import cached_pem, released
from tests.federation.saml.pysaml2_sp import SP_ACS_URL, SP_ENTITY_ID, make_client

IDP = IdentityProvider(
    entity_id="https://idp.example.nl/saml/metadata/",
    sso_url="https://idp.example.nl/saml/sso/",
    metadata_url="https://idp.example.nl/saml/metadata/",
    uid_realm="idp.example.nl",
)
PERSON = released(sub="a1b2c3", given_name="Sem", infix="de", family_name="Vries")


@pytest.fixture(scope="module")
def credentials():
    pem = cached_pem("interop IdP")
    return _from_pem(pem, pem)


@pytest.fixture
def client(xmlsec1_path: str, credentials):
    return make_client(xmlsec1_path, build_metadata(IDP, credentials.certificate_base64).decode())


def response_b64(credentials, *, in_response_to: str | None = None, **overrides) -> str:
    now = dt.datetime.now(dt.UTC)
    values = {
        "idp_entity_id": IDP.entity_id,
        "sp_entity_id": SP_ENTITY_ID,
        "acs_url": SP_ACS_URL,
        "name_id": PERSON.sub,
        "attributes": entree_attributes(PERSON, IDP.uid_realm),
        "issued_at": now,
        "authn_instant": now,
        "in_response_to": in_response_to,
    }
    values.update(overrides)
    return base64.b64encode(issue_response(ResponseInput(**values), credentials)).decode()


def test_pysaml2_accepts_an_unsolicited_response(client, credentials) -> None:
    parsed = client.parse_authn_request_response(response_b64(credentials), BINDING_HTTP_POST)
    assert parsed.name_id.text == "a1b2c3"
    assert parsed.name_id.format == NAMEID_FORMAT_PERSISTENT
    assert parsed.ava == {
        "uid": ["a1b2c3@idp.example.nl"],
        "eduPersonAffiliation": ["student"],
        "nlEduPersonHomeOrganizationId": ["12AB"],
        "nlEduPersonHomeOrganizationBranchId": ["12AB01"],
        "nlEduPersonHomeOrganization": ["De Regenboog"],
        "givenName": ["Sem"],
        "sn": ["Vries"],
        "nlEduPersonTussenvoegsels": ["de"],
    }


def test_stock_pysaml2_sees_the_names_with_unknown_attributes_allowed(xmlsec1_path, credentials) -> None:
    client = make_client(
        xmlsec1_path, build_metadata(IDP, credentials.certificate_base64).decode(), attribute_map=False
    )
    parsed = client.parse_authn_request_response(response_b64(credentials), BINDING_HTTP_POST)
    assert parsed.ava["nlEduPersonHomeOrganizationBranchId"] == ["12AB01"]
    assert parsed.ava["uid"] == ["a1b2c3@idp.example.nl"]


def test_pysaml2_matches_in_response_to(client, credentials) -> None:
    encoded = response_b64(credentials, in_response_to="_outstanding1")
    parsed = client.parse_authn_request_response(
        encoded, BINDING_HTTP_POST, outstanding={"_outstanding1": "/after-login"}
    )
    assert parsed.in_response_to == "_outstanding1"
    assert parsed.came_from == "/after-login"


def test_pysaml2_rejects_a_changed_attribute(client, credentials) -> None:
    xml = base64.b64decode(response_b64(credentials))
    tampered = base64.b64encode(xml.replace(b">student<", b">employee<")).decode()
    with pytest.raises(SignatureError):
        client.parse_authn_request_response(tampered, BINDING_HTTP_POST)


def test_pysaml2_rejects_another_signer(client) -> None:
    pem = cached_pem("impostor")
    with pytest.raises(SignatureError):
        client.parse_authn_request_response(response_b64(_from_pem(pem, pem)), BINDING_HTTP_POST)


def test_pysaml2_rejects_a_response_for_another_audience(client, credentials) -> None:
    encoded = response_b64(credentials, sp_entity_id="https://other-sp.example.nl/metadata")
    with pytest.raises(Exception, match="AudienceRestrictions conditions not satisfied"):
        client.parse_authn_request_response(encoded, BINDING_HTTP_POST)
