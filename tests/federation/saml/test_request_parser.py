from __future__ import annotations

import base64
import datetime as dt
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from klaspoort.federation.saml.constants import BINDING_POST, BINDING_REDIRECT
from klaspoort.federation.saml.request_parser import (
    MAX_XML_BYTES,
    SamlRequestError,
    decode_post,
    decode_redirect,
    parse_xml,
    read_authn_request,
    validate_authn_request,
)
from klaspoort.federation.saml.service_provider import ServiceProvider
from tests.federation.saml.helpers import ACS_URL, SP_ENTITY_ID, SSO_URL, authn_request_xml, deflate_b64

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
SP = ServiceProvider(entity_id=SP_ENTITY_ID, acs_urls=(ACS_URL, "https://sp.example.nl/saml/acs2"))


def read(xml: bytes):
    return read_authn_request(parse_xml(xml))


def error_code(callable_, *args, **kwargs) -> str:
    with pytest.raises(SamlRequestError) as raised:
        callable_(*args, **kwargs)
    assert raised.value.message  # always a message for the user
    return raised.value.code


def test_redirect_binding_round_trip() -> None:
    xml = authn_request_xml(issue_instant=NOW, extra=' ForceAuthn="true"')
    request = read(decode_redirect(deflate_b64(xml)))
    assert request.id == "_req0123456789abcdef"
    assert request.issuer == SP_ENTITY_ID
    assert request.issue_instant == NOW
    assert request.destination == SSO_URL
    assert request.acs_url == ACS_URL
    assert request.force_authn is True
    assert request.is_passive is False
    assert validate_authn_request(request, SP, sso_url=SSO_URL, now=NOW) == ACS_URL


def test_post_binding_is_plain_base64() -> None:
    xml = authn_request_xml(issue_instant=NOW)
    assert decode_post(base64.b64encode(xml).decode()) == xml


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "size"),
        ("not base64!!", "base64"),
        (base64.b64encode(b"plain text, not deflated").decode(), "deflate"),
    ],
)
def test_garbled_encodings_are_refused(value: str, code: str) -> None:
    assert error_code(decode_redirect, value) == code


def test_deflate_bomb_stops_at_the_limit() -> None:
    bomb = deflate_b64(b"<a>" + b" " * (MAX_XML_BYTES * 50) + b"</a>")
    assert len(bomb) < 4000
    assert error_code(decode_redirect, bomb) == "size"


def test_oversized_post_is_refused() -> None:
    assert error_code(decode_post, base64.b64encode(b" " * (MAX_XML_BYTES + 1)).decode()) == "size"


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"<samlp:AuthnRequest", "xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "boom">]>'
            b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&e;</samlp:AuthnRequest>',
            "doctype",
        ),
        (
            b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>',
            "doctype",
        ),
    ],
)
def test_unsafe_or_broken_xml_is_refused(xml: bytes, code: str) -> None:
    assert error_code(parse_xml, xml) == code


def test_the_parser_kept_per_thread_stays_hardened_from_document_to_document() -> None:
    entity = (
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&e;</samlp:AuthnRequest>'
    )
    commented = authn_request_xml(body="<!-- a comment --><?pi x?>")

    def one_round(number: int) -> None:
        assert error_code(parse_xml, b"<samlp:AuthnRequest") == "xml"
        assert error_code(parse_xml, entity) == "doctype"
        root = parse_xml(authn_request_xml(request_id=f"_round{number}"))
        assert read_authn_request(root).id == f"_round{number}"
        assert [child.tag for child in parse_xml(commented)] == [
            "{urn:oasis:names:tc:SAML:2.0:assertion}Issuer"
        ]

    for number in range(3):  # the same thread: the parser of the last document is used again
        one_round(number)
    with ThreadPoolExecutor(max_workers=4) as pool:  # threads at once, each with its own parser
        list(pool.map(one_round, range(40)))


def test_entities_are_never_expanded() -> None:
    xml = (
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&e;</samlp:AuthnRequest>'
    )
    assert error_code(parse_xml, xml) == "doctype"


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (
            b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0"/>',
            "not_authn_request",
        ),
        (authn_request_xml(request_id="1-starts-with-digit"), "id"),
        (authn_request_xml(request_id='_a" x="'.replace('"', "")), "id"),
        (authn_request_xml(issuer=""), "issuer"),
        (authn_request_xml(extra=' IsPassive="maybe"'), "attribute"),
        (authn_request_xml(extra=' AssertionConsumerServiceIndex="one"', acs_url=None), "acs_index"),
    ],
)
def test_malformed_requests_are_refused(xml: bytes, code: str) -> None:
    assert error_code(read, xml) == code


def test_bad_issue_instant_is_refused() -> None:
    xml = authn_request_xml().replace(b'IssueInstant="', b'IssueInstant="yesterday')
    assert error_code(read, xml) == "issue_instant"


def test_default_acs_when_the_request_names_none() -> None:
    request = read(authn_request_xml(issue_instant=NOW, acs_url=None))
    assert validate_authn_request(request, SP, sso_url=SSO_URL, now=NOW) == ACS_URL


def test_acs_by_index() -> None:
    request = read(
        authn_request_xml(issue_instant=NOW, acs_url=None, extra=' AssertionConsumerServiceIndex="1"')
    )
    assert validate_authn_request(request, SP, sso_url=SSO_URL, now=NOW) == "https://sp.example.nl/saml/acs2"


@pytest.mark.parametrize(
    ("kwargs", "extra", "now", "code"),
    [
        ({"issuer": "https://other.example.nl"}, "", NOW, "issuer"),
        ({"acs_url": "https://evil.example.nl/acs"}, "", NOW, "acs_url"),
        ({"acs_url": ACS_URL + "/"}, "", NOW, "acs_url"),
        ({"acs_url": None}, ' AssertionConsumerServiceIndex="2"', NOW, "acs_index"),
        ({"destination": "https://elsewhere.example.nl/sso"}, "", NOW, "destination"),
        ({}, f' ProtocolBinding="{BINDING_REDIRECT}"', NOW, "binding"),
        ({}, "", NOW + dt.timedelta(minutes=11), "stale"),
        ({}, "", NOW - dt.timedelta(minutes=4), "stale"),
    ],
)
def test_requests_that_do_not_match_the_registration_are_refused(
    kwargs: dict, extra: str, now: dt.datetime, code: str
) -> None:
    request = read(authn_request_xml(issue_instant=NOW, extra=extra, **kwargs))
    assert error_code(validate_authn_request, request, SP, sso_url=SSO_URL, now=now) == code


def test_post_binding_and_persistent_policy_are_accepted() -> None:
    policy = '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/>'
    request = read(
        authn_request_xml(issue_instant=NOW, extra=f' ProtocolBinding="{BINDING_POST}"', body=policy)
    )
    assert validate_authn_request(request, SP, sso_url=SSO_URL, now=NOW) == ACS_URL


def test_transient_nameid_policy_is_refused() -> None:
    policy = '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"/>'
    request = read(authn_request_xml(issue_instant=NOW, body=policy))
    assert error_code(validate_authn_request, request, SP, sso_url=SSO_URL, now=NOW) == "nameid_format"


def test_comments_are_dropped_before_reading_the_issuer() -> None:
    xml = authn_request_xml(issuer="https://sp.example.nl<!-- x -->/saml/metadata", issue_instant=NOW)
    assert read(xml).issuer == SP_ENTITY_ID


def test_raw_deflate_without_zlib_header_is_what_we_inflate() -> None:
    xml = authn_request_xml()
    with_header = base64.b64encode(zlib.compress(xml)).decode()
    assert error_code(decode_redirect, with_header) == "deflate"
