"""Whatever arrives as SAMLRequest, the parser answers with a SamlRequestError or a request, never a crash."""

from __future__ import annotations

import base64
import contextlib
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from klaspoort.federation.saml.request_parser import (
    SamlRequestError,
    decode_post,
    decode_redirect,
    parse_xml,
    read_authn_request,
)
from tests.federation.saml.helpers import authn_request_xml


def _read(decode, value) -> None:
    """Decode, parse and read; only SamlRequestError may come out."""
    with contextlib.suppress(SamlRequestError):
        read_authn_request(parse_xml(decode(value)))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_redirect_parameter(value: str) -> None:
    _read(decode_redirect, value)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_deflated_bytes(data: bytes) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    value = base64.b64encode(compressor.compress(data) + compressor.flush()).decode()
    _read(decode_redirect, value)
    _read(decode_post, base64.b64encode(data).decode())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=400), st.binary(min_size=1, max_size=8))
def test_damaged_requests(position: int, junk: bytes) -> None:
    xml = authn_request_xml()
    at = position % len(xml)
    _read(lambda damaged: damaged, xml[:at] + junk + xml[at + len(junk) :])
