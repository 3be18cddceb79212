"""/schoolbeheer/licenties/: coordinators only, live answers, "no answer" for a slow publisher."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.federation.oidc import keys
from klaspoort.roster.models import StaffRole
from tests.accounts.pupils import roster
from tests.portal.stub_publisher import Behaviour
from tests.portal.test_school_licences import _school_answer_for
from tests.portal.world import World, make_world, sign_in
from tests.roster import factories

pytestmark = pytest.mark.django_db

URL = "/schoolbeheer/licenties/"


@pytest.fixture
def world(settings: Any) -> Iterator[World]:
    """The portal tests' world: stub publishers on loopback, a short timeout, a private cache."""
    settings.PORTAL_LICENCE_TIMEOUT = 0.5
    settings.PORTAL_ALLOW_LOOPBACK_HTTP = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lic"}
    }
    built = make_world()
    yield built
    built.stop()


def test_the_coordinator_sees_products_groups_and_counts(client: Client, world: World) -> None:
    stub = world.add_publisher("vlot")
    stub.behaviour.body = _school_answer_for(world, "vlot")
    world.add_publisher("traag", Behaviour(hang=True))
    roster.sign_in_staff(
        client, factories.staff(world.school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    html = client.get(URL).content.decode()
    vlot = html.split('id="licences-vlot"')[1].split("</section>")[0]
    assert re.search(r'<th scope="row">Vlot oefenen</th>\s*<td>Groep 5a \(25/1\)</td>', vlot)
    assert '<td class="pupils">25</td><td class="teachers">1</td>' in vlot
    traag = html.split('id="licences-traag"')[1].split("</section>")[0]
    assert "Geen antwoord" in traag


@pytest.mark.parametrize("who", ["teacher", "pupil", "other_coordinator"])
def test_nobody_else_sees_the_overview_and_no_publisher_is_asked(
    client: Client, world: World, who: str
) -> None:
    stub = world.add_publisher("vlot")
    stub.behaviour.body = _school_answer_for(world, "vlot")
    if who == "pupil":
        sign_in(client, world.principal("pupil"))
    elif who == "teacher":
        sign_in(client, world.principal("teacher"))
    else:
        other = factories.school("34CD00", "De Klimop")
        roster.sign_in_staff(
            client, factories.staff(other, "ict@klimop.nl", roles=(StaffRole.ICT_COORDINATOR,))
        )
    response = client.get(URL)
    if who == "other_coordinator":  # their own school, which has switched no publisher on
        assert response.status_code == 200
        assert "Vlot" not in response.content.decode()
    else:
        assert response.status_code == 403
    assert stub.received == []


def test_the_page_costs_the_same_queries_for_a_bigger_school(client: Client, world: World) -> None:
    stub = world.add_publisher("vlot")
    stub.behaviour.body = _school_answer_for(world, "vlot")
    coordinator = factories.staff(world.school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,))
    roster.sign_in_staff(client, coordinator)
    keys.clear_key_cache()
    keys.signing_key("ES256")  # makes the keys
    keys.clear_key_cache()
    keys.signing_key("ES256")  # reads them: cached for minutes (a fresh key is read again after 2 s)
    client.get(URL)
    counts = []
    for extra in (0, 12):
        for index in range(extra):
            factories.pupils(factories.group(world.school, f"Groep X{index}"), 3)
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append([q["sql"][:60] for q in queries.captured_queries])
    assert len(counts[0]) == len(counts[1]) == 6, (
        counts
    )  # session, placement, apps, consents, groups, records
