"""The front door at `/`: three ways in, and nothing about any school for anonymous visitors."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster() -> None:
    school = factories.school("12AB00", name="De Regenboog")
    factories.pupils(factories.group(school, "Groep 5 Zonnebloem"), 3)
    factories.staff(school, "juf.anna@regenboog.example")


@pytest.mark.usefixtures("roster")
def test_front_door_offers_the_three_ways_in_and_names_no_school(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/login/"' in page
    assert 'href="/thuis/"' in page
    assert "Leerlingen loggen in via de schoollink van hun eigen school." in page
    for private in ("De Regenboog", "12AB00", "Zonnebloem", "juf.anna", "leerlingen</", "3 leerling"):
        assert private not in page


@pytest.mark.usefixtures("roster")
def test_front_door_in_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in to klaspoort</h1>" in page
    assert "Pupils sign in through their own school's link." in page
    assert "De Regenboog" not in page


def test_front_door_answers_head_and_refuses_post(client: Client) -> None:
    head = client.head("/")
    assert head.status_code == 200
    assert head.content == b""
    assert client.post("/").status_code == 405
