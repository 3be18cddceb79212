from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.accounts.principal import SESSION_KEY, Principal, principal_ended, principals_ended
from klaspoort.federation.models import OidcGrant
from klaspoort.federation.oidc.logout import BACKCHANNEL_EVENT, wait_for_deliveries
from tests.federation.factories import principal_for

from .conftest import World, exchange, get_code, query_of, settle_signing_keys, sign_in
from .receiver import logout_receiver

pytestmark = pytest.mark.django_db

AFTER_LOGOUT = "https://rekenwijs.example/logged-out"


def _teacher_client(world: World) -> Client:
    client = Client()
    sign_in(client, principal_for(world.teacher, world.school))
    return client


def _decode_logout_token(value: str) -> Any:
    keys = KeySet.import_key_set(Client().get("/oidc/jwks/").json())
    return jwt.decode(value, keys, algorithms=["ES256"])


def test_logout_sends_a_signed_logout_token_to_the_app(world: World) -> None:
    client = _teacher_client(world)
    with logout_receiver() as receiver:
        world.app.backchannel_logout_uri = receiver.url
        world.app.save()
        id_token = exchange(get_code(client), world.secret).json()["id_token"]
        get_code(client)  # a code never redeemed: that app has no session from it
        assert client.post("/logout/").status_code == 302
        wait_for_deliveries()

    assert len(receiver.bodies) == 1
    assert receiver.content_types == ["application/x-www-form-urlencoded"]
    token = _decode_logout_token(receiver.bodies[0]["logout_token"][0])
    id_claims = jwt.decode(id_token, KeySet.import_key_set(Client().get("/oidc/jwks/").json())).claims
    assert token.header["typ"] == "logout+jwt"
    claims = token.claims
    assert (claims["iss"], claims["aud"], claims["sub"], claims["sid"]) == (
        "http://localhost",
        "rekenwijs",
        id_claims["sub"],
        id_claims["sid"],
    )
    assert claims["events"] == {BACKCHANNEL_EVENT: {}}
    assert "nonce" not in claims
    assert claims["exp"] - claims["iat"] == 120
    assert list(
        OidcGrant.objects.filter(code_used_at__isnull=False).values_list("revoke_reason", flat=True)
    ) == ["logout"]
    assert SESSION_KEY not in client.session


def test_signing_out_everywhere_reaches_apps_without_a_request(world: World) -> None:
    client = _teacher_client(world)
    with logout_receiver() as receiver:
        world.app.backchannel_logout_uri = receiver.url
        world.app.save()
        exchange(get_code(client), world.secret)
        principal = Principal.from_session(client.session[SESSION_KEY])
        principal_ended.send(sender=Principal, request=None, principal=principal, session_key="gone")
        wait_for_deliveries()
    assert len(receiver.bodies) == 1
    assert OidcGrant.objects.get().revoke_reason == "logout"


def test_a_slow_partner_does_not_hold_up_the_logout(world: World) -> None:
    client = _teacher_client(world)
    partner_answers = threading.Event()
    with logout_receiver(hold=partner_answers) as receiver:
        world.app.backchannel_logout_uri = receiver.url
        world.app.save()
        exchange(get_code(client), world.secret)
        assert client.post("/logout/").status_code == 302  # while the partner has not answered
        assert receiver.bodies == []
        partner_answers.set()
        wait_for_deliveries()
    assert len(receiver.bodies) == 1


def test_offline_access_grants_survive_logout(world: World) -> None:
    world.app.allowed_scopes = ["openid", "offline_access"]
    world.app.save()
    client = _teacher_client(world)
    token = exchange(get_code(client, scope="openid offline_access"), world.secret).json()
    client.post("/logout/")
    wait_for_deliveries()
    assert OidcGrant.objects.get().revoked_at is None
    assert "refresh_token" in token


def _rp_logout(world: World, client: Client, id_token: str, **extra: str) -> Any:
    params = {"id_token_hint": id_token, "post_logout_redirect_uri": AFTER_LOGOUT, "state": "bye", **extra}
    return client.get("/oidc/logout/", {k: v for k, v in params.items() if v})


def test_rp_initiated_logout_with_a_hint_of_this_session_returns_to_the_app(world: World) -> None:
    world.app.post_logout_redirect_uris = [AFTER_LOGOUT]
    world.app.save()
    client = _teacher_client(world)
    id_token = exchange(get_code(client), world.secret).json()["id_token"]
    response = _rp_logout(world, client, id_token)
    assert response.status_code == 302
    assert response["Location"].startswith(AFTER_LOGOUT + "?")
    assert query_of(response["Location"]) == {"state": "bye"}
    assert SESSION_KEY not in client.session
    wait_for_deliveries()


def test_rp_initiated_logout_without_a_hint_asks_first(world: World) -> None:
    client = _teacher_client(world)
    response = client.get("/oidc/logout/", {"client_id": "rekenwijs"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Uitloggen bij klaspoort?" in body
    assert "Rekenwijs vraagt je om uit te loggen." in body
    assert SESSION_KEY in client.session
    confirmed = client.post("/oidc/logout/", {"client_id": "rekenwijs"})
    assert confirmed.status_code == 200
    assert "Je bent uitgelogd" in confirmed.content.decode()
    assert SESSION_KEY not in client.session


def test_rp_initiated_logout_never_redirects_to_an_unregistered_address(world: World) -> None:
    client = _teacher_client(world)
    id_token = exchange(get_code(client), world.secret).json()["id_token"]
    response = _rp_logout(world, client, id_token, post_logout_redirect_uri="https://evil.example/")
    assert response.status_code == 200
    assert "Je bent uitgelogd" in response.content.decode()
    wait_for_deliveries()


def test_a_hint_from_another_login_needs_confirmation(world: World) -> None:
    world.app.post_logout_redirect_uris = [AFTER_LOGOUT]
    world.app.save()
    other = Client()
    sign_in(other, principal_for(world.pupil, world.school))
    id_token = exchange(get_code(other), world.secret).json()["id_token"]
    client = _teacher_client(world)
    response = _rp_logout(world, client, id_token)
    assert response.status_code == 200
    assert SESSION_KEY in client.session


def test_a_forged_hint_is_refused(world: World) -> None:
    client = _teacher_client(world)
    response = client.get("/oidc/logout/", {"id_token_hint": "a.b.c"})
    assert response.status_code == 400
    assert SESSION_KEY in client.session


def test_many_logins_ended_at_once_cost_two_queries(world: World) -> None:
    """Sign-out everywhere and removals by an import end many sessions at once: one lookup of all
    their partner sign-ins and one revocation, then one logout token per app and login."""
    teacher, pupil = _teacher_client(world), Client()
    sign_in(pupil, principal_for(world.pupil, world.school))
    with logout_receiver() as receiver:
        world.app.backchannel_logout_uri = receiver.url
        world.app.save()
        subs = set()
        for client in (teacher, pupil):
            id_token = exchange(get_code(client), world.secret).json()["id_token"]
            subs.add(
                jwt.decode(id_token, KeySet.import_key_set(Client().get("/oidc/jwks/").json())).claims["sub"]
            )
        ended = [
            (f"key-{n}", Principal.from_session(c.session[SESSION_KEY]))
            for n, c in enumerate((teacher, pupil))
        ]
        settle_signing_keys()
        with CaptureQueriesContext(connection) as queries:
            principals_ended.send(sender=Principal, ended=ended)
        wait_for_deliveries()

    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", "UPDATE"]
    assert {_decode_logout_token(body["logout_token"][0]).claims["sub"] for body in receiver.bodies} == subs
    assert len(receiver.bodies) == 2
    assert list(OidcGrant.objects.values_list("revoke_reason", flat=True)) == ["logout", "logout"]
