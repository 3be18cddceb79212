"""Licence answers per person: disclosure, signed request, cache, breaker, stale fallback."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.federation.actions import do_withdraw_consent
from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc.keys import public_jwks
from klaspoort.federation.pseudonyms import pairwise_group_id, pairwise_subject
from klaspoort.portal.config import portal_config
from klaspoort.portal.licences import licence_answers
from klaspoort.portal.partners import licensed_apps
from tests.portal.stub_publisher import Behaviour
from tests.portal.world import World


def answers(world: World, who: str = "pupil", context: str = "school", now: float | None = None) -> Any:
    principal = world.principal(who, context)
    return licence_answers(principal, licensed_apps(principal.school), now=now)


def test_the_request_is_a_signed_jwt_with_only_identity_claims(world: World, settings: Any) -> None:
    stub = world.add_publisher("rekenrijk")
    (answer,) = answers(world)
    assert [p.id for p in answer.products or ()] == [
        "rekenrijk-oefenen",
        "rekenrijk-toets",
        "rekenrijk-leerkracht",
        "rekenrijk-woorden",
    ]
    (received,) = stub.received
    assert received.content_type == "application/jwt"
    token = jwt.decode(received.body, KeySet.import_key_set(public_jwks()), algorithms=["ES256"])
    assert token.header["typ"] == "licence-request+jwt"
    claims = dict(token.claims)
    assert claims["exp"] - claims["iat"] == 60
    assert abs(claims["iat"] - time.time()) < 5
    assert len(claims.pop("jti")) >= 16
    for moment in ("iat", "exp"):
        claims.pop(moment)
    secret = settings.PSEUDONYM_SECRET
    assert claims == {
        "iss": settings.BASE_URL,
        "aud": "rekenrijk",
        "sub": pairwise_subject("rekenrijk.example", world.pupil.uuid, secret),
        "purpose": "licence",
        "role": "pupil",
        "context": "school",
        "school": {
            "instelling_ref": str(world.school.instelling_ref),
            "brin": "12AB",
            "location_code": "00",
            "name": "De Regenboog",
        },
        "groups": [
            {
                "id": pairwise_group_id("rekenrijk.example", world.group.uuid, secret),
                "name": "Groep 5a",
                "year_group": "5",
            }
        ],
    }
    (record,) = Disclosure.objects.all()
    assert (record.purpose, record.fields, record.person) == (
        "licence",
        ["sub", "role", "school", "groups"],
        world.pupil.uuid,
    )


def test_only_ticked_partners_are_asked(world: World) -> None:
    ticked = world.add_publisher("rekenrijk")
    unticked = world.add_publisher("taalzee", tick=False)
    assert [a.app.slug for a in answers(world)] == ["rekenrijk"]
    assert len(ticked.received) == 1
    assert unticked.received == []


def test_answers_are_cached_per_person_and_context(world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    answers(world)
    answers(world)
    assert len(stub.received) == 1
    answers(world, context="home")
    answers(world, who="teacher")
    assert len(stub.received) == 3
    assert Disclosure.objects.count() == 3


def test_a_stale_answer_is_used_when_the_publisher_errs(world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    start = time.time()
    (fresh,) = answers(world, now=start)
    stub.behaviour = Behaviour(status=500)
    (still_fresh,) = answers(world, now=start + 30)
    assert len(stub.received) == 1
    (stale,) = answers(world, now=start + 61)
    assert len(stub.received) == 2
    assert stale.products == fresh.products == still_fresh.products
    assert (stale.stale, fresh.stale) == (True, False)


def test_without_a_stale_answer_the_publisher_is_unavailable(world: World) -> None:
    world.add_publisher("rekenrijk", Behaviour(body=b"garbage"))
    (answer,) = answers(world)
    assert (answer.products, answer.available, answer.stale) == (None, False, False)


def test_the_breaker_skips_a_failing_publisher_until_it_may_probe(world: World) -> None:
    stub = world.add_publisher("rekenrijk", Behaviour(status=503))
    config = portal_config()
    start = time.time()
    for attempt in range(config.breaker.failures):
        answers(world, now=start + attempt)
    assert len(stub.received) == 3
    (skipped,) = answers(world, now=start + 5)
    assert len(stub.received) == 3
    assert skipped.products is None
    stub.behaviour = Behaviour(products=[])
    (probe,) = answers(world, now=start + 3 + config.breaker.open_seconds)
    assert len(stub.received) == 4
    assert probe.products == ()
    assert cache.get("portal:breaker:rekenrijk") is None


def test_withdrawn_consent_stops_the_requests_and_the_cached_answer(world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    answers(world)
    do_withdraw_consent(world.school, world.apps["rekenrijk"].partner, actor="test")
    assert answers(world) == []
    assert len(stub.received) == 1
