from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("header", ["en-US,en;q=0.9", "de-DE", ""])
def test_dutch_whatever_the_browser_says(client: Client, header: str) -> None:
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert '<html lang="nl">' in body


def test_english_after_choosing_it(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert '<html lang="en">' in client.get("/login/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()


def test_unknown_cookie_value_falls_back_to_dutch(client: Client) -> None:
    client.cookies["django_language"] = "xx"
    assert '<html lang="nl">' in client.get("/login/").content.decode()
