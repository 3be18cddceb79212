"""The school's licence overview (D6): the school-level request, its answer, timeouts, the cache."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc.keys import public_jwks
from klaspoort.federation.pseudonyms import pairwise_group_id
from klaspoort.portal.answer import AnswerLimits, AnswerRejected
from klaspoort.portal.school_licences import parse_school_answer, school_overview
from tests.portal.stub_publisher import Behaviour
from tests.portal.world import World
from tests.roster import factories

pytestmark = pytest.mark.django_db


def answer(*products: dict[str, Any]) -> bytes:
    return json.dumps({"products": list(products)}).encode()


def test_a_valid_answer_is_read_with_its_counts() -> None:
    body = answer(
        {"id": "oefenen", "name": "Oefenen", "audience": "pupil", "pupils": 47, "teachers": 2,
         "groups": [{"id": "g1", "pupils": 24, "teachers": 1}]},
        {"id": "beheer", "name": "Beheer", "audience": "teacher"},
    )  # fmt: skip
    products = parse_school_answer(body, AnswerLimits())
    assert [(p.id, p.pupils, p.teachers, [(g.group, g.pupils) for g in p.groups]) for p in products] == [
        ("oefenen", 47, 2, [("g1", 24)]),
        ("beheer", 0, 0, []),
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "'products' list"),
        (answer({"id": "x y", "name": "X", "audience": "pupil"}), "id must be"),
        (answer({"id": "x", "name": "", "audience": "pupil"}), "name must be"),
        (answer({"id": "x", "name": "X", "audience": "parent"}), "audience must be"),
        (answer({"id": "x", "name": "X", "audience": "pupil", "pupils": -1}), "whole number"),
        (answer({"id": "x", "name": "X", "audience": "pupil", "pupils": True}), "whole number"),
        (answer({"id": "x", "name": "X", "audience": "pupil", "groups": [{"pupils": 1}]}), "group 'id'"),
        (answer({"id": "x", "name": "X", "audience": "pupil"}, {"id": "x", "name": "Y", "audience": "pupil"}),
         "appears twice"),
    ],
)  # fmt: skip
def test_a_bad_answer_is_rejected_as_a_whole(body: bytes, reason: str) -> None:
    with pytest.raises(AnswerRejected, match=reason):
        parse_school_answer(body, AnswerLimits())


def _school_answer_for(world: World, slug: str) -> bytes:
    group_id = pairwise_group_id(f"{slug}.example", world.group.uuid, settings.PSEUDONYM_SECRET)
    return answer(
        {"id": f"{slug}-oefenen", "name": f"{slug.title()} oefenen", "audience": "pupil", "pupils": 25,
         "teachers": 1, "groups": [{"id": group_id, "pupils": 25, "teachers": 1},
                                   {"id": "not-ours", "pupils": 99, "teachers": 9}]},
    )  # fmt: skip


def test_every_publisher_is_asked_about_the_school_and_a_hanging_one_has_no_answer(world: World) -> None:
    other_group = factories.group(world.school, "Groep 3", year_group="3")
    quick = world.add_publisher("vlot")
    quick.behaviour.body = _school_answer_for(world, "vlot")
    world.add_publisher("traag", Behaviour(hang=True))
    overview = school_overview(world.principal("teacher"))
    by_app = {entry.app.slug: entry for entry in overview}
    assert by_app["traag"].products is None
    (row,) = by_app["vlot"].products or ()
    assert (row.product.name, row.product.pupils, row.product.teachers) == ("Vlot oefenen", 25, 1)
    assert [(g.name, g.pupils, g.teachers) for g in row.groups] == [("Groep 5a", 25, 1)]
    token = quick.received[0].body.decode()
    claims = jwt.decode(token, KeySet.import_key_set(public_jwks()), algorithms=["ES256"]).claims
    assert claims["purpose"] == "school_licences"
    assert "sub" not in claims
    assert "role" not in claims
    assert sorted(group["name"] for group in claims["groups"]) == ["Groep 3", "Groep 5a"]
    assert other_group.name == "Groep 3"
    records = Disclosure.objects.filter(purpose="school_licences").order_by("app__slug")
    assert [(r.app.slug, r.fields, r.person) for r in records] == [
        ("traag", ["school", "groups"], world.teacher.uuid),
        ("vlot", ["school", "groups"], world.teacher.uuid),
    ]


def test_answers_are_kept_only_for_the_short_cache_and_only_for_that_school(
    world: World, settings: Any
) -> None:
    stub = world.add_publisher("vlot")
    stub.behaviour.body = _school_answer_for(world, "vlot")
    school_overview(world.principal("teacher"))
    school_overview(world.principal("teacher"))
    assert len(stub.received) == 1  # the second look came from the cache
    keys = [key for key in cache._cache if "school-licences" in key]  # type: ignore[attr-defined]
    assert len(keys) == 1
    expiry = cache._expire_info[keys[0]]  # type: ignore[attr-defined]
    assert 0 < expiry - time.time() <= 60


def test_a_publisher_the_school_switched_off_is_not_asked(world: World) -> None:
    stub = world.add_publisher("vlot", tick=False)
    stub.behaviour.body = _school_answer_for(world, "vlot")
    assert school_overview(world.principal("teacher")) == []
    assert stub.received == []
    assert not Disclosure.objects.exists()


def _openapi_schema(name: str) -> tuple[set[str], set[str]]:
    """(required, properties) of one schema of docs/partners/licences.openapi.yaml (no YAML
    library in the lock: the file's layout is fixed, two spaces per level)."""
    text = (Path(settings.PROJECT_DIR) / "docs" / "partners" / "licences.openapi.yaml").read_text("utf-8")
    block = re.search(rf"^    {name}:\n(.*?)(?=^    [A-Za-z]+:\n|\Z)", text, re.S | re.M)
    assert block is not None, name
    required = re.search(r"^      required: \[([^\]]*)\]", block.group(1), re.M)
    properties = block.group(1).split("      properties:\n", 1)[1]
    return (
        {field.strip() for field in required.group(1).split(",")} if required else set(),
        set(re.findall(r"^        ([a-z_]+):$", properties, re.M)),
    )


def _follows(document: dict[str, Any], schema: str) -> None:
    required, properties = _openapi_schema(schema)
    assert required <= set(document) <= properties, (schema, sorted(document))


def test_the_request_and_the_demo_publishers_answer_follow_the_openapi(world: World) -> None:
    """The school-level request klaspoort signs has the fields the OpenAPI documents, and the demo
    publishers' answer to it (examples/demo_publisher) is documented and read back in full."""
    sys.path.insert(0, str(Path(settings.PROJECT_DIR) / "examples" / "demo_publisher"))
    from catalogue import PUBLISHERS
    from licences import school_licence_answer

    stub = world.add_publisher("vlot")
    stub.behaviour.body = _school_answer_for(world, "vlot")
    school_overview(world.principal("teacher"))
    token = stub.received[0].body.decode()
    claims = jwt.decode(token, KeySet.import_key_set(public_jwks()), algorithms=["ES256"]).claims
    _follows(claims, "SchoolLicenceRequestClaims")
    _follows(claims["school"], "School")
    for group in claims["groups"]:
        _follows(group, "Group")
    for publisher in PUBLISHERS.values():
        answer_body = school_licence_answer(publisher, claims)
        _follows(answer_body, "SchoolLicenceAnswer")
        for product in answer_body["products"]:
            _follows(product, "SchoolProduct")
            for count in product["groups"]:
                _follows(count, "GroupCount")
        read = parse_school_answer(json.dumps(answer_body).encode(), AnswerLimits())
        assert [(p.id, p.pupils, p.teachers, len(p.groups)) for p in read] == [
            (p["id"], p["pupils"], p["teachers"], 1) for p in answer_body["products"]
        ]
        assert len(read) == len(publisher.products) >= 2
