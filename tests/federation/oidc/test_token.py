from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from authlib.oidc.core.util import create_half_hash
from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.federation.models import OidcGrant
from klaspoort.federation.pseudonyms import pairwise_subject
from tests.federation.factories import REDIRECT_URI

from .conftest import World, basic_auth, exchange, get_code, pkce_pair, settle_signing_keys

pytestmark = pytest.mark.django_db


def _jwks() -> KeySet:
    return KeySet.import_key_set(Client().get("/oidc/jwks/").json())


def _userinfo(access_token: str) -> Any:
    return Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def _refresh(refresh_token: str, secret: str) -> Any:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return Client().post("/oidc/token/", data, **basic_auth("rekenwijs", secret))


def _grant_state() -> list[tuple[Any, ...]]:
    return list(OidcGrant.objects.values_list("code_used_at", "access_hash", "refresh_hash", "revoked_at"))


def test_code_exchange_gives_a_signed_id_token_and_userinfo(
    world: World, pupil_client: Client, settings: Any
) -> None:
    code = get_code(pupil_client)
    response = exchange(code, world.secret)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = response.json()
    assert (token["token_type"], token["expires_in"], token["scope"]) == ("Bearer", 600, "openid")

    id_token = jwt.decode(token["id_token"], _jwks(), algorithms=["ES256"])
    claims = id_token.claims
    grant = OidcGrant.objects.get()
    sub = pairwise_subject("noord.example", world.pupil.uuid, settings.PSEUDONYM_SECRET)
    assert id_token.header["alg"] == "ES256"
    assert id_token.header["kid"]
    assert (claims["iss"], claims["aud"], claims["sub"], claims["nonce"]) == (
        "http://localhost",
        "rekenwijs",
        sub,
        "n-456",
    )
    assert claims["sid"] == grant.sid
    assert claims["at_hash"] == create_half_hash(token["access_token"], "ES256").decode()
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["auth_time"] - time.time()) < 60
    assert claims["school"]["brin"] == "12AB"
    assert [g["name"] for g in claims["groups"]] == ["Groep 5a"]
    assert "given_name" not in claims
    assert "eck_id" not in claims

    info = _userinfo(token["access_token"])
    assert info.status_code == 200
    assert info.json() == {k: claims[k] for k in ("sub", "role", "school", "groups")}
    assert token["access_token"] not in grant.access_hash
    assert token["refresh_token"] not in grant.refresh_hash


def test_names_and_eck_id_are_released_with_consent_and_scope(world: World, pupil_client: Client) -> None:
    do_grant_consent(world.school, world.app.partner, names=True, eck_id=True, actor=SystemActor("test"))
    token = exchange(get_code(pupil_client, scope="openid profile eck_id"), world.secret).json()
    info = _userinfo(token["access_token"]).json()
    assert (info["given_name"], info["infix"], info["family_name"], info["name"]) == (
        "Sanne",
        "de",
        "Vries",
        "Sanne de Vries",
    )
    assert info["eck_id"] == world.pupil.eck_id
    only_openid = exchange(get_code(pupil_client), world.secret).json()
    assert "given_name" not in _userinfo(only_openid["access_token"]).json()


def test_token_and_userinfo_are_cheap(
    world: World, pupil_client: Client, django_assert_max_num_queries: Any
) -> None:
    code = get_code(pupil_client)
    settle_signing_keys()  # made on first use, then cached per worker
    with django_assert_max_num_queries(2):  # the code's grant, then its single-use update
        token = exchange(code, world.secret).json()
    with django_assert_max_num_queries(1):
        assert _userinfo(token["access_token"]).status_code == 200


def test_client_secret_post_works_when_registered(world: World, pupil_client: Client) -> None:
    world.app.token_endpoint_auth_method = "client_secret_post"
    world.app.save()
    code = get_code(pupil_client)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": "rekenwijs",
        "client_secret": world.secret,
    }
    assert Client().post("/oidc/token/", data).status_code == 200
    # A method the app did not register is refused, even with the right secret.
    assert exchange(get_code(pupil_client), world.secret).status_code == 401


@pytest.mark.parametrize(
    ("auth", "status", "error"),
    [
        (("rekenwijs", "wrong"), 401, "invalid_client"),
        (("unknown", "whatever"), 401, "invalid_client"),
        (None, 401, "invalid_client"),
    ],
)
def test_bad_client_credentials_issue_nothing(
    world: World, pupil_client: Client, auth: tuple[str, str] | None, status: int, error: str
) -> None:
    code = get_code(pupil_client)
    before = _grant_state()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    headers = basic_auth(*auth) if auth else {}
    response = Client().post("/oidc/token/", data, **headers)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert "access_token" not in response.json()
    assert _grant_state() == before
    assert exchange(code, world.secret).status_code == 200  # the honest client still can


def test_wrong_redirect_uri_at_the_token_endpoint(world: World, pupil_client: Client) -> None:
    code = get_code(pupil_client)
    before = _grant_state()
    response = exchange(code, world.secret, redirect_uri=REDIRECT_URI + "x")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert _grant_state() == before


def test_code_reuse_revokes_what_the_code_issued(world: World, pupil_client: Client) -> None:
    code = get_code(pupil_client)
    first = exchange(code, world.secret).json()
    second = exchange(code, world.secret)
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")
    assert "access_token" not in second.json()
    grant = OidcGrant.objects.get()
    assert (grant.revoke_reason, grant.revoked_at is not None) == ("code_reuse", True)
    assert _userinfo(first["access_token"]).status_code == 401
    assert _refresh(first["refresh_token"], world.secret).json()["error"] == "invalid_grant"


def test_expired_code_is_refused(world: World, pupil_client: Client) -> None:
    code = get_code(pupil_client)
    OidcGrant.objects.update(code_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    before = _grant_state()
    response = exchange(code, world.secret)
    assert response.json()["error"] == "invalid_grant"
    assert _grant_state() == before


@pytest.mark.parametrize("tamper", ["handle", "secret", "garbage"])
def test_tampered_code_is_refused(world: World, pupil_client: Client, tamper: str) -> None:
    code = get_code(pupil_client)
    handle, secret = code.split(".")
    other_first = "y" if handle[0] == "x" else "x"
    other_last = "B" if secret[-1] == "A" else "A"
    forged = {
        "handle": f"{other_first}{handle[1:]}.{secret}",
        "secret": f"{handle}.{secret[:-1]}{other_last}",
        "garbage": "nope",
    }[tamper]
    assert forged != code
    before = _grant_state()
    assert exchange(forged, world.secret).json()["error"] == "invalid_grant"
    assert _grant_state() == before


def _public(world: World) -> None:
    world.app.client_type, world.app.token_endpoint_auth_method = "public", "none"
    world.app.client_secret_hash = ""
    world.app.save()


def _public_exchange(code: str, **extra: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": "rekenwijs",
        **extra,
    }
    return Client().post("/oidc/token/", data)


@pytest.mark.parametrize("verifier", ["", "wrong-verifier-" + "x" * 40])
def test_public_client_needs_the_right_pkce_verifier(
    world: World, pupil_client: Client, verifier: str
) -> None:
    _public(world)
    good, challenge = pkce_pair()
    code = get_code(pupil_client, code_challenge=challenge, code_challenge_method="S256")
    before = _grant_state()
    response = _public_exchange(code, **({"code_verifier": verifier} if verifier else {}))
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
    assert _grant_state() == before
    assert _public_exchange(code, code_verifier=good).status_code == 200


def test_refresh_rotates_and_detects_reuse(world: World, pupil_client: Client) -> None:
    first = exchange(get_code(pupil_client), world.secret).json()
    second = _refresh(first["refresh_token"], world.secret)
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert _userinfo(first["access_token"]).status_code == 401  # replaced
    assert _userinfo(rotated["access_token"]).status_code == 200

    replay = _refresh(first["refresh_token"], world.secret)
    assert replay.json()["error"] == "invalid_grant"
    assert OidcGrant.objects.get().revoke_reason == "refresh_reuse"
    assert _refresh(rotated["refresh_token"], world.secret).json()["error"] == "invalid_grant"
    assert _userinfo(rotated["access_token"]).status_code == 401


def test_refresh_picks_up_roster_changes(world: World, pupil_client: Client) -> None:
    first = exchange(get_code(pupil_client), world.secret).json()
    world.group.name = "Groep 6a"
    world.group.save()
    refreshed = _refresh(first["refresh_token"], world.secret).json()
    assert [g["name"] for g in _userinfo(refreshed["access_token"]).json()["groups"]] == ["Groep 6a"]


def test_withdrawing_consent_mid_session_cuts_the_partner_off(world: World, pupil_client: Client) -> None:
    token = exchange(get_code(pupil_client), world.secret).json()
    do_withdraw_consent(world.school, world.app.partner, actor="coordinator")
    assert _userinfo(token["access_token"]).status_code == 401
    assert _refresh(token["refresh_token"], world.secret).json()["error"] == "invalid_grant"
    assert OidcGrant.objects.get().revoke_reason == "consent_withdrawn"


def test_revocation_of_a_refresh_token_ends_the_grant(world: World, pupil_client: Client) -> None:
    token = exchange(get_code(pupil_client), world.secret).json()
    other = Client().post(
        "/oidc/revoke/", {"token": token["refresh_token"]}, **basic_auth("rekenwijs", "wrong")
    )
    assert other.status_code == 401
    assert _userinfo(token["access_token"]).status_code == 200
    response = Client().post(
        "/oidc/revoke/", {"token": token["refresh_token"]}, **basic_auth("rekenwijs", world.secret)
    )
    assert response.status_code == 200
    assert _userinfo(token["access_token"]).status_code == 401


def test_revocation_of_an_access_token_keeps_the_refresh_token(world: World, pupil_client: Client) -> None:
    token = exchange(get_code(pupil_client), world.secret).json()
    data = {"token": token["access_token"], "token_type_hint": "access_token"}
    assert Client().post("/oidc/revoke/", data, **basic_auth("rekenwijs", world.secret)).status_code == 200
    assert _userinfo(token["access_token"]).status_code == 401
    assert _refresh(token["refresh_token"], world.secret).status_code == 200


def test_userinfo_needs_a_bearer_token(world: World) -> None:
    assert Client().get("/oidc/userinfo/").status_code == 401
    assert _userinfo("nope.nope").status_code == 401


def test_userinfo_takes_the_access_token_from_a_form_encoded_post_body(
    world: World, pupil_client: Client
) -> None:
    """Finding 10 of issue 12 (RFC 6750 §2.2, the `oic` client's default): the token in a form body."""
    token = exchange(get_code(pupil_client), world.secret).json()["access_token"]
    form = "application/x-www-form-urlencoded"
    info = Client().post("/oidc/userinfo/", urlencode({"access_token": token}), content_type=form)
    assert info.status_code == 200
    assert info.json() == _userinfo(token).json()
    assert info.json()["sub"]
    before = _grant_state()
    # refused: a wrong token, the token twice, both the header and the body, a GET query, multipart
    wrong = Client().post("/oidc/userinfo/", urlencode({"access_token": "nope"}), content_type=form)
    assert (wrong.status_code, wrong["WWW-Authenticate"].startswith("Bearer")) == (401, True)
    twice = Client().post("/oidc/userinfo/", urlencode([("access_token", token)] * 2), content_type=form)
    assert (twice.status_code, twice.json()["error"]) == (400, "invalid_request")
    both = Client().post(
        "/oidc/userinfo/", urlencode({"access_token": token}), content_type=form,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert (both.status_code, both.json()["error"]) == (400, "invalid_request")
    assert Client().get("/oidc/userinfo/", {"access_token": token}).status_code == 401
    assert Client().post("/oidc/userinfo/", {"access_token": token}).status_code == 401  # multipart
    assert _grant_state() == before  # nothing ended or changed by the refused tries
    assert _userinfo(token).status_code == 200


def test_private_key_jwt_client_authentication(world: World, pupil_client: Client) -> None:
    key = ECKey.generate_key("P-256", parameters={"kid": "partner-key"}, private=True)
    world.app.token_endpoint_auth_method = "private_key_jwt"
    world.app.jwks = {"keys": [key.as_dict(private=False)]}
    world.app.save()

    def assertion(jti: str, aud: str = "http://localhost/oidc/token/") -> str:
        now = int(time.time())
        claims = {"iss": "rekenwijs", "sub": "rekenwijs", "aud": aud, "jti": jti, "iat": now, "exp": now + 60}
        return jwt.encode({"alg": "ES256", "kid": "partner-key"}, claims, key)

    def post(code: str, client_assertion: str) -> Any:
        return Client().post(
            "/oidc/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": client_assertion,
            },
        )

    code = get_code(pupil_client)
    other_key = ECKey.generate_key("P-256", parameters={"kid": "partner-key"}, private=True)
    now = int(time.time())
    forged = jwt.encode(
        {"alg": "ES256", "kid": "partner-key"},
        {
            "iss": "rekenwijs",
            "sub": "rekenwijs",
            "aud": "http://localhost/oidc/token/",
            "jti": "f",
            "exp": now + 60,
        },
        other_key,
    )
    assert post(code, forged).status_code in (400, 401)
    assert post(code, assertion("j0", aud="https://elsewhere.example/token")).status_code in (400, 401)
    assert _grant_state()[0][0] is None
    assert post(code, assertion("j1")).status_code == 200
    assert post(get_code(pupil_client), assertion("j1")).status_code in (400, 401)  # jti replay


def _other_client(public: bool) -> tuple[str, str]:
    """A second registered app of another partner: (client id, secret; "" for a public client)."""
    from klaspoort.federation.actions import do_register_partner
    from klaspoort.federation.partner_spec import parse_partner_spec
    from tests.federation.factories import partner_spec_data

    oidc: dict[str, Any] = {"client_id": "spelwijs", "redirect_uris": ["https://spelwijs.example/cb"]}
    if public:
        oidc["client_type"] = "public"
    data = partner_spec_data(slug="uitgeverij-zuid", **oidc)
    data["apps"][0]["slug"] = "spelwijs"
    result = do_register_partner(parse_partner_spec(data))
    return "spelwijs", result.new_secrets.get("spelwijs", "")


@pytest.mark.parametrize("public", [True, False], ids=["public-client", "confidential-client"])
def test_another_client_cannot_end_a_clients_grant_with_a_forged_refresh_token(
    world: World, pupil_client: Client, public: bool
) -> None:
    """Finding 12.4: the grant's handle with junk, sent by another client (authenticated or a public
    one without a secret), is refused without touching the grant: reuse detection acts only for
    the client that owns the grant."""
    tokens = exchange(get_code(pupil_client), world.secret).json()
    handle = tokens["refresh_token"].partition(".")[0]
    client_id, secret = _other_client(public)
    before = _grant_state()
    data = {"grant_type": "refresh_token", "refresh_token": f"{handle}.junk-junk-junk"}
    if public:
        response = Client().post("/oidc/token/", {**data, "client_id": client_id})
    else:
        response = Client().post("/oidc/token/", data, **basic_auth(client_id, secret))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert _grant_state() == before  # no grant ended
    assert OidcGrant.objects.get().revoke_reason == ""
    assert _userinfo(tokens["access_token"]).status_code == 200
    assert _refresh(tokens["refresh_token"], world.secret).status_code == 200  # the owner carries on


def test_a_forged_refresh_token_from_an_unauthenticated_caller_ends_nothing(
    world: World, pupil_client: Client
) -> None:
    tokens = exchange(get_code(pupil_client), world.secret).json()
    handle = tokens["refresh_token"].partition(".")[0]
    before = _grant_state()
    data = {"grant_type": "refresh_token", "refresh_token": f"{handle}.junk"}
    response = Client().post("/oidc/token/", data, **basic_auth("rekenwijs", "wrong-secret"))
    assert response.status_code == 401
    assert _grant_state() == before
    assert _userinfo(tokens["access_token"]).status_code == 200
