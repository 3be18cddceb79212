"""The parent's link pages: activation, forgotten password (no enumeration), reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from klaspoort.accounts.home.actions import do_set_home_addresses
from klaspoort.accounts.models import Account
from klaspoort.core.actors import SystemActor
from tests.accounts.home.conftest import PARENT, PARENT_PASSWORD, Family, last_link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def normalise(response: Any, email: str) -> str:
    """The page without the address typed and the (per-response masked) CSRF token."""
    body = response.content.decode().replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def path_of(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(("/", ""))


def test_activation_page_sets_the_password_and_leads_to_the_home_login(
    client: Client, family: Family
) -> None:
    do_set_home_addresses(family.sanne, [PARENT], actor=SystemActor("t"))
    url = path_of(last_link(PARENT))
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert PARENT in body
    assert 'autocomplete="new-password"' in body
    weak = client.post(url, {"password1": "kort1", "password2": "kort1"})
    assert weak.status_code == 400
    assert not Account.objects.get(kind="parent").is_active
    done = client.post(url, {"password1": PARENT_PASSWORD, "password2": PARENT_PASSWORD})
    assert done["Location"] == "/thuis/?email=ouder%40thuis.example"
    assert Account.objects.get(kind="parent").is_active
    assert client.get(url).status_code == 404  # used up
    assert "Vraag een nieuwe link aan" in client.get(url).content.decode()


def test_a_staff_token_or_garbage_does_not_open_the_parent_page(client: Client) -> None:
    assert client.get("/thuis/activeren/niet-een-token/").status_code == 404
    assert client.get("/thuis/activeren/8a7f2b9c-1d3e-4f5a-9b8c-7d6e5f4a3b2c/").status_code == 404


def test_forgotten_password_answers_the_same_for_known_and_unknown_addresses(
    client: Client, family: Family
) -> None:
    from tests.accounts.home.conftest import activated_parent

    activated_parent(family)
    mail.outbox.clear()
    known = client.post("/thuis/wachtwoord-vergeten/", {"email": PARENT})
    unknown = client.post("/thuis/wachtwoord-vergeten/", {"email": "niemand@thuis.example"})
    again = client.post("/thuis/wachtwoord-vergeten/", {"email": PARENT})  # within 15 minutes
    assert known.status_code == unknown.status_code == again.status_code == 200
    assert normalise(known, PARENT) == normalise(unknown, "niemand@thuis.example") == normalise(again, PARENT)
    assert [m.to for m in mail.outbox] == [[PARENT]]
    url = path_of(last_link(PARENT))
    assert url.startswith("/thuis/wachtwoord/")
    done = client.post(url, {"password1": "Herfstvakantie-2027", "password2": "Herfstvakantie-2027"})
    assert done["Location"] == "/thuis/?email=ouder%40thuis.example"
    assert client.post("/thuis/", {"email": PARENT, "password": "Herfstvakantie-2027"}).status_code == 302


def test_forgot_page_refuses_a_malformed_address_with_a_message(client: Client) -> None:
    response = client.post("/thuis/wachtwoord-vergeten/", {"email": "geen adres"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert mail.outbox == []
