"""Finding 12.8: an unhandled error is logged in production mode with a request id, which our 500
page shows; no secret from the path reaches the log line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = "s3cr3t-activation-token-0123456789abcdef"


def test_a_500_is_logged_with_the_request_id_the_page_shows(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ROOT_URLCONF = "tests.core.boom_urls"
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(f"/boom/{TOKEN}/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 12
    page = response.content.decode()
    assert f'<code id="request-id">{request_id}</code>' in page
    assert "Er ging iets mis" in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
    assert f"ERROR django.request [{request_id}] Internal Server Error: /boom/s3cr…/" in line
    assert "RuntimeError: a bug" in line  # with its traceback
    assert TOKEN not in line


def test_every_response_carries_a_fresh_request_id(client: Client) -> None:
    first, second = client.get("/login/"), client.get("/login/")
    assert first["X-Request-ID"] != second["X-Request-ID"]
