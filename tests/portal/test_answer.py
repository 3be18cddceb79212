from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klaspoort.portal.answer import AnswerLimits, AnswerRejected, parse_answer, url_problem
from klaspoort.portal.products import Product

LIMITS = AnswerLimits(max_bytes=4096, max_products=3, allow_loopback_http=False)
DEV_LIMITS = AnswerLimits(max_bytes=4096, max_products=3, allow_loopback_http=True)


def item(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "rekenrijk-5",
        "name": "Rekenrijk groep 5",
        "icon_url": "https://uitgever.example/icons/rekenrijk.png",
        "audience": "pupil",
        "allowed_at_home": True,
        "launch_method": "oidc",
        "launch_url": "https://rekenrijk.example/start",
        "admin_url": "https://rekenrijk.example/beheer",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def encode(*items: dict[str, Any]) -> bytes:
    return json.dumps({"products": list(items)}).encode()


def reason(body: bytes, limits: AnswerLimits = LIMITS) -> str:
    with pytest.raises(AnswerRejected) as caught:
        parse_answer(body, limits)
    return str(caught.value)


def test_valid_answer_becomes_products() -> None:
    products = parse_answer(
        encode(item(), item(id="toets", audience="teacher", allowed_at_home=False)), LIMITS
    )
    assert products == (
        Product(
            id="rekenrijk-5",
            name="Rekenrijk groep 5",
            audience="pupil",
            allowed_at_home=True,
            launch_method="oidc",
            launch_url="https://rekenrijk.example/start",
            icon_url="https://uitgever.example/icons/rekenrijk.png",
            admin_url="https://rekenrijk.example/beheer",
        ),
        Product(
            id="toets",
            name="Rekenrijk groep 5",
            audience="teacher",
            allowed_at_home=False,
            launch_method="oidc",
            launch_url="https://rekenrijk.example/start",
            icon_url="https://uitgever.example/icons/rekenrijk.png",
            admin_url="https://rekenrijk.example/beheer",
        ),
    )


def test_optional_urls_may_be_missing_and_unknown_fields_are_ignored() -> None:
    (product,) = parse_answer(encode(item(icon_url=None, admin_url=None, colour="red")), LIMITS)
    assert (product.icon_url, product.admin_url) == ("", "")


def test_empty_product_list_is_a_valid_answer() -> None:
    assert parse_answer(b'{"products": []}', LIMITS) == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"x" * 4097, "answer larger than 4096 bytes"),
        (b"\xff\xfe", "answer is not valid UTF-8 JSON"),
        (b"<html>", "answer is not valid UTF-8 JSON"),
        (b'{"products": [NaN]}', "answer is not valid UTF-8 JSON"),
        (b"[]", "answer must be a JSON object"),
        (b'{"products": {}}', "answer must have a 'products' list"),
        (b'{"producten": []}', "answer must have a 'products' list"),
        (b'{"products": ' + b"[" * 1900 + b"]" * 1900 + b"}", "answer is not valid UTF-8 JSON"),
        (b'{"products": [1]}', "products[0] must be an object"),
    ],
)
def test_malformed_documents_are_rejected(body: bytes, expected: str) -> None:
    assert reason(body).startswith(expected)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"id": ""}, "products[0].id must be 1-64 letters"),
        ({"id": "../admin"}, "products[0].id must be 1-64 letters"),
        ({"id": "a" * 65}, "products[0].id must be 1-64 letters"),
        ({"id": 5}, "products[0].id must be a string"),
        ({"name": "   "}, "products[0].name must be 1-100 printable characters"),
        ({"name": "a" * 101}, "products[0].name must be 1-100 printable characters"),
        ({"name": "Reken\u202erijk"}, "products[0].name must be 1-100 printable characters"),
        ({"audience": "parent"}, "products[0].audience must be one of teacher, pupil, both"),
        ({"allowed_at_home": "yes"}, "products[0].allowed_at_home must be true or false"),
        ({"allowed_at_home": None}, "products[0].allowed_at_home must be true or false"),
        ({"launch_method": "ftp"}, "products[0].launch_method must be one of oidc, saml, link"),
        ({"launch_url": None}, "products[0].launch_url must be a URL"),
        ({"launch_url": "javascript:alert(1)"}, "products[0].launch_url: has no host"),
        ({"launch_url": "JavaScript://x/%0aalert(1)"}, "products[0].launch_url: must use https"),
        ({"launch_url": "data:text/html,hi"}, "products[0].launch_url: has no host"),
        ({"launch_url": "http://rekenrijk.example/"}, "products[0].launch_url: must use https"),
        ({"launch_url": "https://u:p@rekenrijk.example/"}, "products[0].launch_url: must not contain a user"),
        ({"launch_url": "https://rekenrijk.example/a b"}, "products[0].launch_url: contains spaces"),
        ({"launch_url": "https:\\\\evil.example"}, "products[0].launch_url: contains spaces, backslashes"),
        ({"launch_url": "https://x.example:99999/"}, "products[0].launch_url: is not a valid URL"),
        ({"icon_url": "//evil.example/i.png"}, "products[0].icon_url: must use https"),
        ({"admin_url": ""}, "products[0].admin_url must be a URL"),
        ({"admin_url": "https://x.example/" + "a" * 2048}, "products[0].admin_url: longer than 2048"),
    ],
)
def test_bad_products_reject_the_whole_answer(overrides: dict[str, Any], expected: str) -> None:
    assert reason(encode(item(**overrides))).startswith(expected)


def test_too_many_products_and_duplicates_are_rejected() -> None:
    assert reason(encode(*(item(id=f"p{n}") for n in range(4)))) == "more than 3 products"
    assert reason(encode(item(), item())) == "product id 'rekenrijk-5' appears twice"


def test_loopback_http_only_when_allowed() -> None:
    body = encode(item(launch_url="http://127.0.0.1:8101/start", icon_url="http://localhost:8101/i.png"))
    assert reason(body).startswith("products[0].launch_url: must use https")
    (product,) = parse_answer(body, DEV_LIMITS)
    assert product.launch_url == "http://127.0.0.1:8101/start"
    assert reason(encode(item(launch_url="http://10.0.0.1/start")), DEV_LIMITS) == (
        "products[0].launch_url: must use https (or http to a loopback address)"
    )


def test_url_problem_accepts_plain_https() -> None:
    assert url_problem("https://rekenrijk.example:8443/start?x=1#y", allow_loopback_http=False) == ""
    assert url_problem("http://[::1]:8000/", allow_loopback_http=True) == ""


@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(body: bytes) -> None:
    with contextlib.suppress(AnswerRejected):
        parse_answer(body, LIMITS)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_arbitrary_json_products_never_crash(value: object) -> None:
    with contextlib.suppress(AnswerRejected):
        parse_answer(json.dumps({"products": [value]}).encode(), LIMITS)
