"""The demo publisher checks SAML signatures with signxml (no xmlsec1 program): good ones pass,
tampered, foreign, misplaced and wrapped ones fail."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from klaspoort.core.keypair import load_key_pair
from klaspoort.federation.saml.assertion import ResponseInput, SamlAttribute, issue_response
from klaspoort.federation.saml.keys import SigningCredentials, make_self_signed_pem

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "demo_publisher"))
from signature import SignxmlBackend

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def credentials(name: str) -> SigningCredentials:
    pem = make_self_signed_pem(name)
    pair = load_key_pair(pem, pem)
    certificate_pem = pair.certificate.public_bytes(serialization.Encoding.PEM).decode()
    return SigningCredentials(key=pair.key, certificate=pair.certificate, certificate_pem=certificate_pem)


@pytest.fixture(scope="module")
def idp() -> SigningCredentials:
    return credentials("idp")


@pytest.fixture
def cert_file(tmp_path: Path, idp: SigningCredentials) -> str:
    path = tmp_path / "idp.pem"
    path.write_text(idp.certificate_pem)
    return str(path)


def response(idp: SigningCredentials) -> tuple[bytes, str, str]:
    now = dt.datetime.now(dt.UTC)
    data = ResponseInput(
        idp_entity_id="http://127.0.0.1:8000/saml/metadata/",
        sp_entity_id="http://127.0.0.1:8102/metadata",
        acs_url="http://127.0.0.1:8102/acs/taal",
        name_id="pseudonym-1",
        attributes=(SamlAttribute("urn:oid:2.5.4.42", ("Sem",)),),
        issued_at=now,
        authn_instant=now,
    )
    return issue_response(data, idp), data.response_id, data.assertion_id


def test_a_signed_assertion_passes(idp: SigningCredentials, cert_file: str) -> None:
    xml, _, assertion_id = response(idp)
    assert (
        SignxmlBackend().validate_signature(xml, cert_file, "pem", f"{SAML}:Assertion", assertion_id) is True
    )


def test_tampered_foreign_and_misplaced_signatures_fail(
    idp: SigningCredentials, cert_file: str, tmp_path: Path
) -> None:
    backend = SignxmlBackend()
    xml, response_id, assertion_id = response(idp)
    tampered = xml.replace(b"pseudonym-1", b"pseudonym-2")
    assert backend.validate_signature(tampered, cert_file, "pem", "Assertion", assertion_id) is False
    other = tmp_path / "other.pem"
    other.write_text(credentials("someone else").certificate_pem)
    assert backend.validate_signature(xml, str(other), "pem", "Assertion", assertion_id) is False
    # the signature covers the assertion, not the (unsigned) response around it
    assert backend.validate_signature(xml, cert_file, "pem", "Response", response_id) is False
    assert backend.validate_signature(xml, cert_file, "der", "Assertion", assertion_id) is False


def test_a_wrapped_copy_with_the_same_id_fails(idp: SigningCredentials, cert_file: str) -> None:
    xml, _, assertion_id = response(idp)
    root = etree.fromstring(xml)
    assertion = root.find(f"{{{SAML}}}Assertion")
    assert assertion is not None
    forged = etree.fromstring(etree.tostring(assertion))
    root.append(forged)
    wrapped = etree.tostring(root)
    assert SignxmlBackend().validate_signature(wrapped, cert_file, "pem", "Assertion", assertion_id) is False
