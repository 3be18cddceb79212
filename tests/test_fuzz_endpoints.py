"""Finding 12.5: no endpoint answers 5xx, whatever is sent (hypothesis over every URL pattern).

Each pattern gets fuzzed path parameters, query strings and form fields (NUL characters, very long
values, names of the protocols' own parameters, non-UTF-8 percent-escapes), by GET and POST, from
an anonymous browser and from a signed-in teacher. Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klaspoort.accounts.models import Account
from tests.roster import factories

PASSWORD = "zonnebloem42"

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
NAMES = [
    "redirect_uri", "client_id", "scope", "nonce", "state", "response_type", "code", "code_verifier",
    "code_challenge", "code_challenge_method", "grant_type", "refresh_token", "token", "prompt", "max_age",
    "client_assertion", "client_assertion_type", "id_token_hint", "post_logout_redirect_uri", "SAMLRequest",
    "RelayState", "SigAlg", "Signature", "next", "email", "password", "code", "school", "target", "TARGET",
    "altcha", "action", "current", "password1", "password2", "language", "q", "page",
]  # fmt: skip
NASTY = ["\x00", "a\x00b", "%00", "x" * 20_000, " ".join(["profile"] * 2000), "../../etc/passwd", "é" * 300,
         "<script>alert(1)</script>", "-1", "99999999999999999999", "", "null", "{}", "[]"]  # fmt: skip
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
params = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=10)), values, max_size=5
)
segments = st.one_of(
    st.sampled_from(["%00", "%FF%FE", "x" * 300, "0", "-", "%2F", "12AB00"]), st.text(min_size=1, max_size=20)
)


def _patterns(resolvers: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            found += _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


PATTERNS = sorted({pattern.lstrip("^").rstrip("$") for pattern in _patterns(get_resolver().url_patterns)})


def _path(pattern: str, fill: list[str]) -> str:
    parts = iter(fill)
    path = PARAMETER.sub(lambda _m: next(parts, "x"), pattern)
    return "/" + path


@pytest.fixture
def teacher_client(settings: Any) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = factories.school("12AB00", "De Regenboog")
    group = factories.group(school, "Groep 5")
    factories.pupil(group, "Sanne", "de Boer")
    account = Account.objects.create_user("anna@school.example", PASSWORD, kind="staff", is_active=True)
    factories.staff(school, "anna@school.example", groups=(group,), account=account, las_key="anna")
    client = Client(raise_request_exception=True)
    assert client.post("/login/", {"email": "anna@school.example", "password": PASSWORD}).status_code == 302
    return client


def _fuzz(client: Client, pattern: str, data: Any) -> None:
    fill = [
        segment if "%" in segment else quote(segment, safe="")
        for segment in data.draw(st.lists(segments, max_size=4))
    ]
    path = _path(pattern, fill)
    query, form = data.draw(params), data.draw(params)
    for method in ("get", "post"):
        response = getattr(client, method)(path, query if method == "get" else form)
        assert response.status_code < 500, (method, path, query if method == "get" else form)


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_endpoint_answers_5xx_to_an_anonymous_browser(pattern: str, data: Any) -> None:
    _fuzz(Client(raise_request_exception=True), pattern, data)


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_endpoint_answers_5xx_to_a_signed_in_teacher(
    teacher_client: Client, pattern: str, data: Any
) -> None:
    _fuzz(teacher_client, pattern, data)
