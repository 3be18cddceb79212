"""Our own error pages (Dutch, English when chosen), the favicon, and HEAD wherever GET is."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from klaspoort.core.head import HeadAsGetMiddleware
from klaspoort.core.views import home

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    """The visitor chose English (the cookie the language switch sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_404_is_ours_in_dutch_and_english(client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<h1 id="error-heading">Pagina niet gevonden</h1>' in page
    assert "Deze pagina bestaat niet (meer). Kijk of het adres goed is overgenomen." in page
    assert "Not Found" not in page
    page = english(client).get("/bestaat-niet/").content.decode()
    assert '<h1 id="error-heading">Page not found</h1>' in page


def test_400_for_a_host_we_do_not_serve(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert '<h1 id="error-heading">Dit verzoek klopt niet</h1>' in response.content.decode()


def test_403_for_a_failed_csrf_check_explains_what_to_do() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"email": "juf@school.example", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 id="error-heading">Het formulier is verlopen</h1>' in page
    assert "CSRF" not in page
    response = english(client).post("/login/", {"email": "juf@school.example", "password": "x"})
    assert '<h1 id="error-heading">The form has expired</h1>' in response.content.decode()


@override_settings(ROOT_URLCONF="tests.core.urls_failing")
def test_500_is_ours_and_shows_no_internals() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Er ging iets mis</h1>" in page
    assert "secret internals" not in page
    assert "Traceback" not in page
    assert "<h1>Something went wrong</h1>" in english(client).get("/fails/").content.decode()


def test_favicon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/", "/login/", "/thuis/", "/saml/metadata/", "/.well-known/openid-configuration", "/favicon.ico"],
)
def test_head_is_answered_wherever_get_is(client: Client, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert (head.status_code, head["Content-Type"]) == (get.status_code, get["Content-Type"])
    assert get.status_code == 200


def test_head_leaves_out_the_body_but_keeps_its_length() -> None:
    request = RequestFactory().head("/")
    response = HeadAsGetMiddleware(home)(request)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) > 1000
    assert request.method == "HEAD"


def test_post_is_not_turned_into_get(client: Client) -> None:
    assert client.post("/favicon.ico").status_code == 405
