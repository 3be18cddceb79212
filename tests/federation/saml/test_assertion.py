from __future__ import annotations

import base64
import datetime as dt

import pytest
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidSignature

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.assertion import (
    ResponseInput,
    SamlAttribute,
    build_response,
    encode_for_post,
    issue_response,
)
from klaspoort.federation.saml.keys import SigningCredentials, _from_pem
from tests.federation.saml.helpers import cached_pem

NOW = dt.datetime(2026, 11, 28, 10, 0, 0, tzinfo=dt.UTC)
NS = {"samlp": c.SAMLP, "saml": c.SAML, "ds": c.DS}


@pytest.fixture(scope="module")
def credentials() -> SigningCredentials:
    pem = cached_pem("test IdP")
    return _from_pem(pem, pem)


def response_input(**overrides) -> ResponseInput:
    values = {
        "idp_entity_id": "https://idp.example.nl/saml/metadata/",
        "sp_entity_id": "https://sp.example.nl/metadata",
        "acs_url": "https://sp.example.nl/acs",
        "name_id": "pseudonym123",
        "attributes": (
            SamlAttribute("uid", ("pseudonym123@idp.example.nl",)),
            SamlAttribute("eduPersonAffiliation", ("student",)),
        ),
        "issued_at": NOW,
        "authn_instant": NOW - dt.timedelta(minutes=2),
        "in_response_to": "_request1",
        "response_id": "_response1",
        "assertion_id": "_assertion1",
        "session_index": "_session1",
    }
    values.update(overrides)
    return ResponseInput(**values)


def verify(xml: bytes, credentials: SigningCredentials, location: str) -> etree._Element:
    config = SignatureConfiguration(location=location, expect_references=1)
    result = XMLVerifier().verify(xml, x509_cert=credentials.certificate_pem, expect_config=config)
    return result.signed_xml  # type: ignore[union-attr]


def test_response_structure_has_exact_values() -> None:
    root = build_response(response_input())
    assert root.tag == f"{{{c.SAMLP}}}Response"
    assert dict(root.attrib) == {
        "ID": "_response1",
        "Version": "2.0",
        "IssueInstant": "2026-11-28T10:00:00Z",
        "Destination": "https://sp.example.nl/acs",
        "InResponseTo": "_request1",
    }
    assert root.findtext("saml:Issuer", namespaces=NS) == "https://idp.example.nl/saml/metadata/"
    assert root.find("samlp:Status/samlp:StatusCode", NS).get("Value") == c.STATUS_SUCCESS
    assertion = root.find("saml:Assertion", NS)
    assert [child.tag.split("}")[1] for child in assertion] == [
        "Issuer", "Signature", "Subject", "Conditions", "AuthnStatement", "AttributeStatement",
    ]  # fmt: skip
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    assert name_id.text == "pseudonym123"
    assert dict(name_id.attrib) == {
        "Format": c.NAMEID_PERSISTENT,
        "NameQualifier": "https://idp.example.nl/saml/metadata/",
        "SPNameQualifier": "https://sp.example.nl/metadata",
    }
    confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation", NS)
    assert confirmation.get("Method") == c.CM_BEARER
    assert dict(confirmation.find("saml:SubjectConfirmationData", NS).attrib) == {
        "InResponseTo": "_request1",
        "NotOnOrAfter": "2026-11-28T10:05:00Z",
        "Recipient": "https://sp.example.nl/acs",
    }
    conditions = assertion.find("saml:Conditions", NS)
    assert dict(conditions.attrib) == {
        "NotBefore": "2026-11-28T09:59:00Z",
        "NotOnOrAfter": "2026-11-28T10:05:00Z",
    }
    assert conditions.findtext("saml:AudienceRestriction/saml:Audience", namespaces=NS) == (
        "https://sp.example.nl/metadata"
    )
    statement = assertion.find("saml:AuthnStatement", NS)
    assert statement.get("AuthnInstant") == "2026-11-28T09:58:00Z"
    assert statement.get("SessionIndex") == "_session1"
    attributes = {
        a.get("Name"): [v.text for v in a.findall("saml:AttributeValue", NS)]
        for a in assertion.findall("saml:AttributeStatement/saml:Attribute", NS)
    }
    assert attributes == {"uid": ["pseudonym123@idp.example.nl"], "eduPersonAffiliation": ["student"]}


def test_unsolicited_response_has_no_in_response_to() -> None:
    root = build_response(response_input(in_response_to=None))
    assert "InResponseTo" not in root.attrib
    data = root.find("saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", NS)
    assert "InResponseTo" not in data.attrib


def test_no_attribute_statement_without_attributes() -> None:
    root = build_response(response_input(attributes=()))
    assert root.find("saml:Assertion/saml:AttributeStatement", NS) is None


def test_assertion_signature_verifies(credentials: SigningCredentials) -> None:
    xml = issue_response(response_input(), credentials)
    signed = verify(xml, credentials, f"./{{{c.SAML}}}Assertion/")
    assert signed.tag == f"{{{c.SAML}}}Assertion"
    assert signed.get("ID") == "_assertion1"
    signature = etree.fromstring(xml).find("saml:Assertion/ds:Signature", NS)
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm") == c.SIGALG_RSA_SHA256
    assert signature.find("ds:SignedInfo/ds:CanonicalizationMethod", NS).get("Algorithm") == c.C14N_EXCLUSIVE
    reference = signature.find("ds:SignedInfo/ds:Reference", NS)
    assert reference.get("URI") == "#_assertion1"
    assert [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)] == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        c.C14N_EXCLUSIVE,
    ]
    assert reference.find("ds:DigestMethod", NS).get("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256"
    certificate = signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS).text
    assert certificate == credentials.certificate_base64
    assertion = etree.fromstring(xml).find("saml:Assertion", NS)
    assert [child.tag.split("}")[1] for child in assertion][:3] == ["Issuer", "Signature", "Subject"]
    assert etree.fromstring(xml).find("ds:Signature", NS) is None  # response itself unsigned by default


def test_response_signature_when_asked(credentials: SigningCredentials) -> None:
    xml = issue_response(response_input(), credentials, sign_whole_response=True)
    assert verify(xml, credentials, "./").get("ID") == "_response1"
    assert verify(xml, credentials, f"./{{{c.SAML}}}Assertion/").get("ID") == "_assertion1"
    root = etree.fromstring(xml)
    assert [child.tag.split("}")[1] for child in root][:3] == ["Issuer", "Signature", "Status"]


def test_changed_attribute_breaks_the_signature(credentials: SigningCredentials) -> None:
    xml = issue_response(response_input(), credentials)
    tampered = xml.replace(b">student<", b">employee<")
    assert tampered != xml
    with pytest.raises(InvalidSignature):
        verify(tampered, credentials, f"./{{{c.SAML}}}Assertion/")


def test_signature_by_another_key_is_refused(credentials: SigningCredentials) -> None:
    pem = cached_pem("impostor")
    xml = issue_response(response_input(), _from_pem(pem, pem))
    with pytest.raises(InvalidSignature):
        verify(xml, credentials, f"./{{{c.SAML}}}Assertion/")


def test_post_encoding_round_trips(credentials: SigningCredentials) -> None:
    xml = issue_response(response_input(), credentials)
    assert base64.b64decode(encode_for_post(xml)) == xml
