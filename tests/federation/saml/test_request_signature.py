from __future__ import annotations

from urllib.parse import quote_plus

import pytest
from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import CanonicalizationMethod

from klaspoort.federation.saml.request_parser import SamlRequestError, parse_xml
from klaspoort.federation.saml.request_signature import (
    _parsed_certificate,
    raw_query_parameters,
    verify_redirect_signature,
    verify_xml_signature,
)
from tests.federation.saml.helpers import authn_request_xml, key_and_certificate_pem, redirect_query


@pytest.fixture(scope="module")
def sp_key():
    return key_and_certificate_pem()


@pytest.fixture(scope="module")
def other_key():
    return key_and_certificate_pem("other SP")


def refused(callable_, *args) -> str:
    with pytest.raises(SamlRequestError) as raised:
        callable_(*args)
    return raised.value.code


def test_signed_redirect_request_verifies(sp_key) -> None:
    key, certificate = sp_key
    query = redirect_query(authn_request_xml(), relay_state="state 1/2", key=key)
    verify_redirect_signature(query, certificate)


def test_signature_by_another_key_is_refused(sp_key, other_key) -> None:
    query = redirect_query(authn_request_xml(), key=other_key[0])
    assert refused(verify_redirect_signature, query, sp_key[1]) == "signature"


def test_changed_relay_state_breaks_the_signature(sp_key) -> None:
    key, certificate = sp_key
    query = redirect_query(authn_request_xml(), relay_state="a", key=key)
    assert (
        refused(verify_redirect_signature, query.replace("RelayState=a", "RelayState=b"), certificate)
        == "signature"
    )


def test_unsigned_request_is_refused_when_a_certificate_is_registered(sp_key) -> None:
    assert refused(verify_redirect_signature, redirect_query(authn_request_xml()), sp_key[1]) == "unsigned"


def test_sha1_is_refused(sp_key) -> None:
    key, certificate = sp_key
    query = redirect_query(authn_request_xml(), key=key).replace(
        quote_plus("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"),
        quote_plus("http://www.w3.org/2000/09/xmldsig#rsa-sha1"),
    )
    assert refused(verify_redirect_signature, query, certificate) == "sigalg"


def test_repeated_parameters_are_refused() -> None:
    assert refused(raw_query_parameters, "SAMLRequest=a&SAMLRequest=b") == "duplicate_parameter"


def test_garbled_signature_is_refused(sp_key) -> None:
    key, certificate = sp_key
    query = redirect_query(authn_request_xml(), key=key)
    head, _, _ = query.rpartition("Signature=")
    assert refused(verify_redirect_signature, head + "Signature=%%%", certificate) == "signature"


def _signed_post_request(key, certificate: str) -> bytes:
    root = parse_xml(authn_request_xml())
    signer = XMLSigner(c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(root, key=key, cert=certificate, reference_uri="#_req0123456789abcdef")
    return etree.tostring(signed)


def test_signed_post_request_verifies(sp_key) -> None:
    key, certificate = sp_key
    signed = verify_xml_signature(parse_xml(_signed_post_request(key, certificate)), certificate)
    assert signed.get("ID") == "_req0123456789abcdef"


def test_tampered_post_request_is_refused(sp_key) -> None:
    key, certificate = sp_key
    xml = _signed_post_request(key, certificate).replace(
        b"https://sp.example.nl/saml/acs", b"https://evil.example/acs"
    )
    assert refused(verify_xml_signature, parse_xml(xml), certificate) == "signature"


def test_unsigned_post_request_is_refused(sp_key) -> None:
    assert refused(verify_xml_signature, parse_xml(authn_request_xml()), sp_key[1]) == "unsigned"


def test_bad_certificate_is_refused() -> None:
    query = redirect_query(authn_request_xml(), key=key_and_certificate_pem("third SP")[0])
    assert refused(verify_redirect_signature, query, "not a certificate") == "certificate"


def test_a_certificate_is_parsed_once_and_a_new_registration_takes_effect_at_once(sp_key, other_key) -> None:
    request = authn_request_xml()
    by_sp, by_other = redirect_query(request, key=sp_key[0]), redirect_query(request, key=other_key[0])
    _parsed_certificate.cache_clear()
    verify_redirect_signature(by_sp, sp_key[1])
    verify_redirect_signature(by_sp, sp_key[1])
    assert _parsed_certificate.cache_info().misses == 1  # parsed once, then reused
    assert refused(verify_redirect_signature, by_other, sp_key[1]) == "signature"
    verify_redirect_signature(by_other, other_key[1])  # the SP registered its new certificate
    assert refused(verify_redirect_signature, by_sp, other_key[1]) == "signature"
    assert refused(verify_redirect_signature, by_sp, "not a certificate") == "certificate"
    assert refused(verify_redirect_signature, by_sp, "not a certificate") == "certificate"
