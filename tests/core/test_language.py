from __future__ import annotations

import pytest
from django.test import Client

# The login page shows the notices in force (operator.notices), read from the database.
pytestmark = pytest.mark.django_db


def page_language(client: Client, **headers: str) -> str:
    body = client.get("/login/", **headers).content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-US,en;q=0.9", "en"),
        ("en-GB", "en"),
        ("de-DE,en;q=0.5", "en"),
        ("de-DE,nl;q=0.9,en;q=0.8", "nl"),
        ("de-DE", "nl"),
        ("xx-YY;q=1,zz", "nl"),
        ("", "nl"),
        ("*", "nl"),
        ("en;q=garbage", "nl"),
    ],
)
def test_browser_language_decides_when_nothing_was_chosen(client: Client, header: str, language: str) -> None:
    assert page_language(client, HTTP_ACCEPT_LANGUAGE=header) == language


def test_choice_sticks_and_wins_over_the_browser(client: Client) -> None:
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/login/"
    cookie = answer.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    assert page_language(client, HTTP_ACCEPT_LANGUAGE="nl") == "en"
    client.post("/i18n/setlang/", {"language": "nl", "next": "/login/"})
    assert page_language(client, HTTP_ACCEPT_LANGUAGE="en") == "nl"


@pytest.mark.parametrize("cookie", ["xx", "", "en-XX-" + "x" * 100, "../../etc"])
def test_unknown_cookie_value_falls_back_to_dutch(client: Client, cookie: str) -> None:
    client.cookies["django_language"] = cookie
    assert page_language(client, HTTP_ACCEPT_LANGUAGE="en") == "nl"


def test_unknown_language_is_not_stored(client: Client) -> None:
    answer = client.post("/i18n/setlang/", {"language": "xx", "next": "/login/"})
    assert answer.status_code == 302
    assert "django_language" not in answer.cookies
    assert page_language(client) == "nl"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/login/",
        "//evil.example/login/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
    ],
)
def test_language_switch_is_no_open_redirect(client: Client, target: str) -> None:
    answer = client.post("/i18n/setlang/", {"language": "en", "next": target}, HTTP_REFERER=target)
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    assert answer.cookies["django_language"].value == "en"


def test_switch_keeps_the_page_and_its_query(client: Client) -> None:
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/login/?next=/portal/"})
    assert answer["Location"] == "/login/?next=/portal/"


def test_english_page_says_so_and_varies_by_language(client: Client) -> None:
    answer = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer["Content-Language"] == "en"
    assert "Accept-Language" in answer["Vary"]
