"""E2: the readiness page asks the publishers, through the portal's licence client, which software
the teacher's staged groups of next year will see, and shows it as not yet in force."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.core.codes import school_year_label
from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc.keys import public_jwks
from klaspoort.federation.pseudonyms import pairwise_group_id
from klaspoort.roster.models import Group, StaffMembership, StaffPlacement
from klaspoort.roster.schoolyears import year_in_force
from tests.accounts.pupils import roster as sessions
from tests.portal.stub_publisher import Behaviour
from tests.portal.world import World
from tests.roster import factories

pytestmark = pytest.mark.django_db
URL = "/klas/volgend-jaar/"


def next_group(world: World, name: str, *, mine: bool = True) -> Group:
    group = factories.group(world.school, name, year_group="6", year_offset=1)
    if mine:
        placement = StaffPlacement.objects.get(staff=world.teacher, school=world.school)
        StaffMembership.objects.create(placement=placement, group=group)
    return group


def answer_for(world: World, slug: str, group: Group, product: str) -> bytes:
    group_id = pairwise_group_id(f"{slug}.example", group.uuid, settings.PSEUDONYM_SECRET)
    return json.dumps({"products": [
        {"id": "p1", "name": product, "audience": "pupil", "pupils": 20, "teachers": 1,
         "groups": [{"id": group_id, "pupils": 20, "teachers": 1}]},
    ]}).encode()  # fmt: skip


def sign_in_teacher(client: Client, world: World) -> None:
    sessions.sign_in_staff(client, StaffPlacement.objects.get(staff=world.teacher, school=world.school))


def test_the_publishers_are_asked_about_next_years_groups_and_the_answer_is_not_yet_in_force(
    client: Client, world: World, settings: Any
) -> None:
    settings.PORTAL_LICENCE_TIMEOUT = 5.0  # the answer must arrive, also on a busy machine
    mine = next_group(world, "Groep 6a")
    next_group(world, "Groep 6b", mine=False)
    quick = world.add_publisher("vlot")
    quick.behaviour.body = answer_for(world, "vlot", mine, "Vlot rekenen 6")
    sign_in_teacher(client, world)

    html = client.get(URL).content.decode()
    next_part = html.split('id="next-year"')[1]
    software = next_part.split(f'id="software-{mine.uuid}"')[1].split("</div>")[0]
    assert "nog niet van kracht" in software
    assert "<li>Vlot rekenen 6 <span" in software
    assert "Geen antwoord van" not in next_part
    assert "Groep 6b" not in next_part  # another teacher's group

    (received,) = quick.received
    claims = jwt.decode(
        received.body.decode(), KeySet.import_key_set(public_jwks()), algorithms=["ES256"]
    ).claims
    start_year = year_in_force(world.school) + 1
    assert (claims["purpose"], claims["school_year"], claims["in_force"]) == (
        "school_licences", school_year_label(start_year), False,
    )  # fmt: skip
    assert [group["name"] for group in claims["groups"]] == ["Groep 6a"]  # not this year's, not 6b
    assert "sub" not in claims
    records = Disclosure.objects.filter(purpose="school_licences").order_by("app__slug")
    assert [(r.app.slug, r.fields, r.person) for r in records] == [
        ("vlot", ["school", "next_year_groups"], world.teacher.uuid),
    ]


def test_a_publisher_that_does_not_answer_in_time_is_named(client: Client, world: World) -> None:
    next_group(world, "Groep 6a")
    world.add_publisher("traag", Behaviour(hang=True))
    sign_in_teacher(client, world)
    next_part = client.get(URL).content.decode().split('id="next-year"')[1]
    assert "Geen antwoord van: Traag. Kijk later nog eens." in next_part
    assert "Geen uitgever meldde software voor deze groep." in next_part


def test_in_english_when_chosen(client: Client, world: World) -> None:
    mine = next_group(world, "Groep 6a")
    world.add_publisher("vlot").behaviour.body = answer_for(world, "vlot", mine, "Vlot rekenen 6")
    sign_in_teacher(client, world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert "Software from the first school day" in html
    assert "not yet in force" in html


def test_nobody_is_asked_before_the_school_staged_next_year(client: Client, world: World) -> None:
    stub = world.add_publisher("vlot")
    sign_in_teacher(client, world)
    html = client.get(URL).content.decode()
    assert "De school heeft de groepen voor volgend jaar nog niet ingelezen." in html
    assert stub.received == []
    assert not Disclosure.objects.exists()


def test_a_publisher_the_school_switched_off_is_not_asked(client: Client, world: World) -> None:
    mine = next_group(world, "Groep 6a")
    stub = world.add_publisher("vlot", tick=False)
    stub.behaviour.body = answer_for(world, "vlot", mine, "Vlot rekenen 6")
    sign_in_teacher(client, world)
    html = client.get(URL).content.decode()
    assert "Geen uitgever meldde software voor deze groep." in html
    assert stub.received == []
    assert not Disclosure.objects.exists()


def test_the_queries_do_not_grow_with_the_groups_asked_about(client: Client, world: World) -> None:
    stub = world.add_publisher("vlot")
    stub.behaviour.body = b'{"products": []}'
    sign_in_teacher(client, world)
    next_group(world, "Groep 6a")
    client.get(URL)  # the per-process caches (start days, partner apps) are warm from here on
    counts = []
    for names in ((), ("Groep 6b", "Groep 6c", "Groep 6d")):
        for name in names:
            next_group(world, name)
        cache.clear()  # ask the publisher again, not the short cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert len(stub.received) == 3  # asked each time, about 1 and then 4 groups
