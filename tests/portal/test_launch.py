"""/launch/<app>/<product>/ and /launch/?TARGET=: consent and licence checked again, then off."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.federation.models import Disclosure, PartnerApp
from klaspoort.federation.pseudonyms import pairwise_subject
from tests.portal.stub_publisher import Behaviour, StubPublisher, product
from tests.portal.world import World, register_app, sign_in


def launch(client: Client, world: World, path: str, who: str = "pupil", context: str = "school") -> Any:
    sign_in(client, world.principal(who, context))
    return client.get(path)


def refusal_reason(response: Any) -> str:
    html = response.content.decode()
    return html.split('data-reason="')[1].split('"')[0]


def test_oidc_product_starts_a_third_party_initiated_login(
    client: Client, world: World, settings: Any
) -> None:
    stub = world.add_publisher("rekenrijk")
    response = launch(client, world, "/launch/rekenrijk/rekenrijk-oefenen/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{stub.base}/login"
    assert parse_qs(location.query) == {
        "iss": [settings.BASE_URL],
        "login_hint": [pairwise_subject("rekenrijk.example", world.pupil.uuid, settings.PSEUDONYM_SECRET)],
        "target_link_uri": [f"{stub.base}/app/oefenen"],
    }
    assert response["Referrer-Policy"] == "no-referrer"
    assert list(Disclosure.objects.values_list("purpose", flat=True).order_by("id")) == ["licence", "oidc"]
    event = AuditEvent.objects.get(action="portal.launch")
    assert (event.outcome, event.subject, event.data["product"], event.data["method"]) == (
        "ok",
        "app:rekenrijk",
        "rekenrijk-oefenen",
        "oidc",
    )


def test_link_product_is_a_plain_redirect(client: Client, world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    response = launch(client, world, "/launch/rekenrijk/rekenrijk-woorden/")
    assert (response.status_code, response["Location"]) == (302, f"{stub.base}/woorden")


def test_saml_product_goes_to_the_idp_initiated_entry_point(
    client: Client, world: World, portal_settings: Any
) -> None:
    stub = StubPublisher().start()
    world.stubs["taalzee"] = stub
    acs = f"{stub.base}/acs/lezen"
    app = register_app("taalzee", stub.url, oidc=False, saml_acs=(acs,))
    do_grant_consent(world.school, app.partner, actor=SystemActor("test"))
    stub.behaviour.products = [
        product("lezen", launch_method="saml", launch_url=acs),
        product("elders", launch_method="saml", launch_url=f"{stub.base}/acs/niet-geregistreerd"),
    ]
    response = launch(client, world, "/launch/taalzee/lezen/")
    assert response.status_code == 302
    assert response["Location"] == "/saml/idp-initiated/taalzee/?target=" + acs.replace(":", "%3A").replace(
        "/", "%2F"
    )
    refused = client.get("/launch/taalzee/elders/")
    assert (refused.status_code, refusal_reason(refused)) == (403, "not_configured")


@pytest.mark.parametrize(
    "case",
    [
        ("/launch/rekenrijk/bestaat-niet/", "pupil", "school", 404, "no_licence"),
        ("/launch/rekenrijk/rekenrijk-leerkracht/", "pupil", "school", 404, "no_licence"),
        ("/launch/rekenrijk/rekenrijk-oefenen/", "teacher", "school", 404, "no_licence"),
        ("/launch/rekenrijk/rekenrijk-toets/", "pupil", "home", 404, "no_licence"),
        ("/launch/onbekend/rekenrijk-oefenen/", "pupil", "school", 403, "not_enabled"),
    ],
)
def test_launch_refuses_what_the_person_may_not_open(
    client: Client, world: World, case: tuple[str, str, str, int, str]
) -> None:
    path, who, context, status, reason = case
    world.add_publisher("rekenrijk")
    response = launch(client, world, path, who, context)
    assert (response.status_code, refusal_reason(response)) == (status, reason)
    assert not Disclosure.objects.filter(purpose="oidc").exists()
    assert AuditEvent.objects.get(action="portal.launch").outcome == reason


def test_withdrawn_consent_refuses_the_launch(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    assert launch(client, world, "/launch/rekenrijk/rekenrijk-oefenen/").status_code == 302
    do_withdraw_consent(world.school, world.apps["rekenrijk"].partner, actor="test")
    response = client.get("/launch/rekenrijk/rekenrijk-oefenen/")
    assert (response.status_code, refusal_reason(response)) == (403, "not_enabled")
    assert "Je school heeft deze software niet aangezet." in response.content.decode()


def test_unreachable_publisher_refuses_with_a_retry_message(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk", Behaviour(status=500))
    response = launch(client, world, "/launch/rekenrijk/rekenrijk-oefenen/")
    assert (response.status_code, refusal_reason(response)) == (503, "unavailable")


def test_app_without_initiate_login_uri_is_not_configured(client: Client, world: World) -> None:
    world.add_publisher("rekenrijk")
    PartnerApp.objects.filter(slug="rekenrijk").update(initiate_login_uri="")
    response = launch(client, world, "/launch/rekenrijk/rekenrijk-oefenen/")
    assert (response.status_code, refusal_reason(response)) == (403, "not_configured")


def test_deep_link_target_launches_the_matching_product(client: Client, world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    response = launch(client, world, f"/launch/?TARGET={stub.base}/woorden")
    assert (response.status_code, response["Location"]) == (302, f"{stub.base}/woorden")


def test_deep_link_to_a_registered_saml_acs_works_without_a_product(client: Client, world: World) -> None:
    stub = StubPublisher(Behaviour(products=[])).start()
    world.stubs["taalzee"] = stub
    acs = f"{stub.base}/acs"
    app = register_app("taalzee", stub.url, oidc=False, saml_acs=(acs,))
    do_grant_consent(world.school, app.partner, actor=SystemActor("test"))
    response = launch(client, world, f"/launch/?TARGET={acs}")
    assert response.status_code == 302
    assert response["Location"].startswith("/saml/idp-initiated/taalzee/?target=")


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [("", 400, "missing_target"), ("?TARGET=https://evil.example/", 404, "unknown_target")],
)
def test_deep_link_refuses_unknown_targets(
    client: Client, world: World, query: str, status: int, reason: str
) -> None:
    world.add_publisher("rekenrijk")
    response = launch(client, world, f"/launch/{query}")
    assert (response.status_code, refusal_reason(response)) == (status, reason)


def test_launch_needs_a_signed_in_person(client: Client, world: World) -> None:
    response = client.get("/launch/rekenrijk/rekenrijk-oefenen/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/launch/rekenrijk/rekenrijk-oefenen/",
    )
