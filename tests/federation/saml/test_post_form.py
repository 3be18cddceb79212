from __future__ import annotations

import base64

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from klaspoort.federation.saml.actions import SamlPost
from klaspoort.federation.saml.views.render import POST_FORM, _escape, post_form


def _rendered_by_django(post: SamlPost, nonce: str) -> str:
    request = RequestFactory().get("/")
    request.csp_nonce = nonce  # type: ignore[attr-defined]
    context = {
        "acs_url": post.acs_url,
        "saml_response": post.saml_response,
        "relay_state": post.relay_state,
        "partner_name": post.partner_name,
    }
    return render_to_string(POST_FORM, context, request=request)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("relay_state", ["", 'state "1" & <2>'])
def test_the_form_page_is_the_one_the_template_renders(language: str, relay_state: str) -> None:
    post = SamlPost(
        acs_url="https://sp.example.nl/acs?x=1&y=<2>",
        saml_response="PHNhbWxwOlJlc3BvbnNlIC8+",
        relay_state=relay_state,
        partner_name='Reken & "Wijs" <b>',
    )
    request = RequestFactory().get("/saml/sso/")
    request.csp_nonce = "n0nce-" + language  # type: ignore[attr-defined]
    with translation.override(language):
        response = post_form(request, post)
        again = post_form(request, post)  # the second comes from the page made once
        expected = _rendered_by_django(post, "n0nce-" + language)
    assert response.content.decode() == expected
    assert again.content.decode() == expected
    assert response["Cache-Control"] == "no-store"
    assert "&lt;b&gt;" in expected
    assert ("RelayState" in expected) is bool(relay_state)


def test_a_value_that_looks_like_a_marker_is_not_filled_in() -> None:
    post = SamlPost(
        acs_url="https://sp.example.nl/acs",
        saml_response="PHNhbWxw",
        relay_state="\x1eacs_url\x1f",
        partner_name="Rekenwijs",
    )
    request = RequestFactory().get("/saml/sso/")
    request.csp_nonce = "abc"  # type: ignore[attr-defined]
    page = post_form(request, post).content.decode()
    assert page == _rendered_by_django(post, "abc")
    assert page.count("https://sp.example.nl/acs") == 1


@given(st.text(alphabet=st.sampled_from("&<>\"'ab é\x1e\x1f"), max_size=12) | st.text(max_size=40))
def test_a_value_is_escaped_exactly_as_the_template_escapes_it(value: str) -> None:
    assert _escape(value) == escape(value)


def test_base64_is_filled_in_as_it_is() -> None:
    value = base64.b64encode(bytes(range(256)) * 24).decode()
    assert _escape(value) is value
    assert _escape("a&b") == "a&amp;b"
