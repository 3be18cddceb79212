"""`BadInputMiddleware` and `core.uploads`: a body over its view's limit is refused by its announced
size before anything of it is read; a NUL character in a form field is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from klaspoort.accounts.models import Account
from klaspoort.core.uploads import ENVELOPE, body_limit
from klaspoort.laslink.api import push_view
from klaspoort.operator.forms import MAX_REGISTER_BYTES
from klaspoort.operator.views.register import register_view
from klaspoort.schooladmin.roster_views import roster_page
from tests.core.bodies import Unreadable

pytestmark = pytest.mark.django_db


def post_announcing(client: Client, path: str, size: int, content_type: str) -> tuple[Any, Unreadable]:
    body = Unreadable()
    response = client.generic(
        "POST", path, b"x", content_type=content_type, CONTENT_LENGTH=str(size), **{"wsgi.input": body}
    )
    return response, body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_form_over_data_upload_max_memory_size_gets_our_413_page_unread(client: Client) -> None:
    response, body = post_announcing(client, "/login/", 1001, "application/x-www-form-urlencoded")
    assert (response.status_code, body.reads) == (413, 0)
    page = response.content.decode()
    assert '<h1 id="error-heading">Dit is te groot</h1>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, _body = post_announcing(client, "/login/", 1001, "multipart/form-data; boundary=zz")
    assert '<h1 id="error-heading">This is too large</h1>' in response.content.decode()
    assert Account.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_api_body_over_the_limit_gets_json_and_an_oidc_one_the_protocol_error(client: Client) -> None:
    response, body = post_announcing(client, "/las/v1/schools/12AB00/link", 5000, "application/json")
    assert (response.status_code, response.json(), body.reads) == (
        413,
        {"error": "request body too large"},
        0,
    )
    response, body = post_announcing(client, "/oidc/token/", 5000, "application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"], body.reads) == (413, "invalid_request", 0)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
def test_no_data_upload_limit_means_no_refusal_by_size() -> None:
    assert body_limit(lambda request: None) is None


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000, EDEXML_MAX_BYTES=3000)
def test_a_view_that_takes_a_file_has_its_own_limit() -> None:
    assert body_limit(push_view) == 3000 + ENVELOPE
    assert body_limit(register_view) == MAX_REGISTER_BYTES + ENVELOPE
    assert body_limit(roster_page) == 3000 + ENVELOPE


@override_settings(EDEXML_MAX_BYTES=3000)
def test_a_las_push_over_its_limit_is_refused_unread(client: Client) -> None:
    response, body = post_announcing(
        client, "/las/v1/schools/12AB00/edexml", 3001 + ENVELOPE, "application/xml"
    )
    assert (response.status_code, body.reads) == (413, 0)


def test_a_nul_character_in_a_form_field_is_refused(client: Client) -> None:
    response = client.post("/login/", {"email": "juf\x00@school.example", "password": "x"})
    assert response.status_code == 400
    response = client.post("/oidc/token/", {"grant_type": "authorization_code", "code": "a\x00"})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
