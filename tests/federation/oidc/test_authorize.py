from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from django.test import Client

from klaspoort.accounts.principal import Principal
from klaspoort.federation.actions import do_withdraw_consent
from klaspoort.federation.models import Disclosure, OidcGrant
from tests.federation.factories import REDIRECT_URI, principal_for
from tests.schooladmin.test_partners import withdraw_in_console

from .conftest import World, authorize_url, get_code, pkce_pair, query_of, sign_in

pytestmark = pytest.mark.django_db


def _nothing_issued() -> None:
    assert OidcGrant.objects.count() == 0
    assert Disclosure.objects.count() == 0


def test_signed_in_pupil_gets_a_code_and_a_disclosure_is_recorded(world: World, pupil_client: Client) -> None:
    code = get_code(pupil_client)
    grant = OidcGrant.objects.get()
    assert code.startswith(grant.handle + ".")
    assert code not in grant.code_hash
    assert (grant.scope, grant.nonce, grant.redirect_uri) == ("openid", "n-456", REDIRECT_URI)
    assert grant.released["role"] == "pupil"
    disclosure = Disclosure.objects.get()
    assert (disclosure.purpose, disclosure.person, disclosure.fields) == (
        "oidc",
        world.pupil.uuid,
        ["sub", "role", "school", "groups"],
    )


def test_authorize_costs_few_queries(
    world: World, pupil_client: Client, django_assert_max_num_queries
) -> None:
    get_code(pupil_client)  # first call creates the signing keys; not part of the hot path
    # session, consent + school, person + groups, disclosure record, grant
    with django_assert_max_num_queries(5):
        get_code(pupil_client)


def test_anonymous_users_go_to_the_login_page_and_come_back(world: World) -> None:
    response = Client().get(authorize_url())
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/login/?next=")
    assert unquote(location.removeprefix("/login/?next=")).startswith("/oidc/authorize/?response_type=code")
    _nothing_issued()


def test_prompt_none_without_login_returns_login_required(world: World) -> None:
    response = Client().get(authorize_url(prompt="none"))
    assert response.status_code == 302
    query = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert (query["error"], query["state"]) == ("login_required", "st-123")
    _nothing_issued()


def test_prompt_login_asks_for_a_fresh_login_without_looping(world: World, pupil_client: Client) -> None:
    response = pupil_client.get(authorize_url(prompt="login"))
    assert response["Location"].startswith("/login/?next=")
    assert "prompt" not in unquote(response["Location"])
    _nothing_issued()


def test_max_age_older_than_the_login_asks_for_a_fresh_login(world: World) -> None:
    client = Client()
    old = Principal("pupil", world.pupil.uuid, world.school.instelling_ref, auth_time=int(time.time()) - 600)
    sign_in(client, old)
    assert client.get(authorize_url(max_age="300"))["Location"].startswith("/login/?next=")
    assert (
        query_of(client.get(authorize_url(max_age="300", prompt="none"))["Location"])["error"]
        == "login_required"
    )
    _nothing_issued()
    assert get_code(client, max_age="3600")


def test_a_withdrawal_in_the_console_refuses_the_next_sign_in_at_once(
    world: World, pupil_client: Client
) -> None:
    assert get_code(pupil_client)
    withdraw_in_console(world.school, world.app.partner)
    assert OidcGrant.objects.get().revoke_reason == "consent_withdrawn"
    response = pupil_client.get(authorize_url())
    assert response.status_code == 403
    assert "Je school heeft deze software niet aangezet" in response.content.decode()
    assert OidcGrant.objects.count() == 1
    assert Disclosure.objects.count() == 1


def test_school_that_has_not_ticked_the_partner_gets_a_clear_page(world: World, pupil_client: Client) -> None:
    do_withdraw_consent(world.school, world.app.partner)
    response = pupil_client.get(authorize_url())
    body = response.content.decode()
    assert response.status_code == 403
    assert "Je school heeft deze software niet aangezet" in body
    assert "Vraag je ICT-coördinator" in body
    assert "Rekenwijs" in body
    _nothing_issued()

    silent = pupil_client.get(authorize_url(prompt="none"))
    assert query_of(silent["Location"])["error"] == "access_denied"
    _nothing_issued()


def test_inactive_person_is_refused(world: World, pupil_client: Client) -> None:
    world.pupil.active = False
    world.pupil.save()
    response = pupil_client.get(authorize_url())
    assert response.status_code == 403
    assert "niet (meer) actief" in response.content.decode()
    _nothing_issued()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"redirect_uri": REDIRECT_URI + "/extra"}, "invalid_request"),
        ({"redirect_uri": "https://evil.example/cb"}, "invalid_request"),
        ({"redirect_uri": REDIRECT_URI.upper()}, "invalid_request"),
        ({"redirect_uri": ""}, "invalid_request"),
        ({"client_id": "unknown"}, "invalid_client"),
        ({"client_id": ""}, "invalid_client"),
    ],
)
def test_untrusted_requests_get_an_error_page_and_no_redirect(
    world: World, pupil_client: Client, overrides: dict[str, str], error: str
) -> None:
    response = pupil_client.get(authorize_url(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Deze inlogaanvraag klopt niet" in body
    assert f"<code>{error}</code>" in body
    _nothing_issued()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid everything"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"max_age": "soon"}, "invalid_request"),
    ],
)
def test_bad_requests_from_a_known_client_go_back_with_an_error(
    world: World, pupil_client: Client, overrides: dict[str, str], error: str
) -> None:
    response = pupil_client.get(authorize_url(**overrides))
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    query = query_of(response["Location"])
    assert (query["error"], query["state"]) == (error, "st-123")
    _nothing_issued()


def test_public_clients_must_use_pkce(world: World, pupil_client: Client) -> None:
    world.app.client_type, world.app.token_endpoint_auth_method = "public", "none"
    world.app.save()
    response = pupil_client.get(authorize_url())
    assert query_of(response["Location"])["error"] == "invalid_request"
    _nothing_issued()
    _, challenge = pkce_pair()
    assert get_code(pupil_client, code_challenge=challenge, code_challenge_method="S256")


def test_inactive_app_is_unknown(world: World, pupil_client: Client) -> None:
    world.app.active = False
    world.app.save()
    assert pupil_client.get(authorize_url()).status_code == 400
    _nothing_issued()


def test_profile_scope_releases_names_only_with_consent(world: World, pupil_client: Client) -> None:
    get_code(pupil_client, scope="openid profile eck_id")
    assert "given_name" not in OidcGrant.objects.get().released["fields"]


def test_teacher_gets_staff_role(world: World) -> None:
    client = Client()
    sign_in(client, principal_for(world.teacher, world.school))
    get_code(client)
    assert OidcGrant.objects.get().released["role"] == "staff"
