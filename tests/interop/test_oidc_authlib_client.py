"""Interop over real HTTP: Authlib's OAuth2 client (requests flavour; code nobody here wrote) against our provider.

A teacher signs in through the real staff login page; the client discovers the provider, sends
the browser to the authorization endpoint with PKCE, exchanges the code, checks the ID token's
signature against the published JWKS and its nonce, reads userinfo, refreshes, and logs out
(back-channel logout reaches a real HTTP receiver).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session as OAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from klaspoort.accounts.models import Account
from klaspoort.federation.actions import do_withdraw_consent
from klaspoort.federation.models import OidcGrant
from klaspoort.federation.oidc.logout import wait_for_deliveries
from tests.federation.factories import REDIRECT_URI, make_app, tick
from tests.federation.oidc.receiver import logout_receiver
from tests.roster import factories

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL, PASSWORD = "jan@regenboog.example", "zonnebloem42"


@pytest.fixture
def provider(live_server: Any, settings: Any) -> Iterator[dict[str, Any]]:
    settings.BASE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = factories.school()
    teacher = factories.staff(
        school, EMAIL, groups=(factories.group(school, "Groep 5a"),), first_name="Jan", surname="Jansen"
    ).staff
    teacher.account = Account.objects.create_user(EMAIL, PASSWORD, kind="staff", is_active=True)
    teacher.save()
    app, secret = make_app(scopes=["openid", "profile"])
    tick(school, app.partner, names=True)
    with logout_receiver() as receiver:
        app.backchannel_logout_uri = receiver.url
        app.save()
        metadata = httpx.get(f"{live_server.url}/.well-known/openid-configuration").json()
        world = {"url": live_server.url, "metadata": metadata, "secret": secret, "school": school, "app": app}
        world.update(receiver=receiver, closing=[])
        yield world
        for client in world["closing"]:
            client.close()


def _browser_login(provider: dict[str, Any], next_url: str) -> tuple[httpx.Client, httpx.Response]:
    browser = httpx.Client(base_url=provider["url"], follow_redirects=False)
    provider["closing"].append(browser)
    page = browser.get("/login/", params={"next": next_url})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    answer = browser.post(
        "/login/",
        data={"email": EMAIL, "password": PASSWORD, "next": next_url, "csrfmiddlewaretoken": token.group(1)},
    )
    assert answer.status_code == 302, answer.text
    return browser, answer


def _client(provider: dict[str, Any], **kwargs: Any) -> OAuth2Client:
    options = {
        "client_id": "rekenwijs",
        "client_secret": provider["secret"],
        "scope": "openid profile",
        "redirect_uri": REDIRECT_URI,
        "code_challenge_method": "S256",
        **kwargs,
    }
    client = OAuth2Client(**options)
    provider["closing"].append(client)
    return client


def _verify_id_token(
    provider: dict[str, Any], id_token: str, nonce: str, access_token: str
) -> dict[str, Any]:
    jwks = KeySet.import_key_set(httpx.get(provider["metadata"]["jwks_uri"]).json())
    decoded = jwt.decode(
        id_token, jwks, algorithms=provider["metadata"]["id_token_signing_alg_values_supported"]
    )
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={
            "iss": {"essential": True, "value": provider["metadata"]["issuer"]},
            "aud": {"essential": True, "value": "rekenwijs"},
        },
        params={"nonce": nonce, "client_id": "rekenwijs", "access_token": access_token},
    )
    claims.validate()
    return dict(claims)


def _authorize(
    provider: dict[str, Any], oauth: OAuth2Client, browser: httpx.Client | None = None
) -> tuple[Any, ...]:
    nonce, verifier = generate_token(20), generate_token(48)
    url, state = oauth.create_authorization_url(
        provider["metadata"]["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )
    if browser is None:
        to_login = httpx.get(url, follow_redirects=False)
        assert to_login.status_code == 302
        next_url = httpx.URL(to_login.headers["Location"]).params["next"]
        browser, answer = _browser_login(provider, next_url)
        assert answer.headers["Location"] == next_url
        url = provider["url"] + next_url
    callback = browser.get(url)
    assert callback.status_code == 302, callback.text
    return browser, callback.headers["Location"], state, nonce, verifier


def test_authlib_client_full_flow_through_the_real_login_page(provider: dict[str, Any]) -> None:
    oauth = _client(provider)
    browser, location, state, nonce, verifier = _authorize(provider, oauth)
    assert location.startswith(REDIRECT_URI + "?")

    token = oauth.fetch_token(
        provider["metadata"]["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    claims = _verify_id_token(provider, token["id_token"], nonce, token["access_token"])
    assert (claims["role"], claims["given_name"], claims["family_name"]) == ("staff", "Jan", "Jansen")
    assert claims["school"]["instelling_ref"] == str(provider["school"].instelling_ref)

    userinfo = oauth.get(provider["metadata"]["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["name"] == "Jan Jansen"

    refreshed = oauth.refresh_token(provider["metadata"]["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert oauth.get(provider["metadata"]["userinfo_endpoint"]).status_code == 200

    # Logging out of klaspoort tells the app over the back channel, with the same sid.
    page = browser.get("/logout/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert csrf is not None
    assert browser.post("/logout/", data={"csrfmiddlewaretoken": csrf.group(1)}).status_code == 302
    wait_for_deliveries()
    receiver = provider["receiver"]
    assert len(receiver.bodies) == 1
    jwks = KeySet.import_key_set(httpx.get(provider["metadata"]["jwks_uri"]).json())
    logout = jwt.decode(receiver.bodies[0]["logout_token"][0], jwks).claims
    assert (logout["sub"], logout["sid"], logout["aud"]) == (claims["sub"], claims["sid"], "rekenwijs")
    assert oauth.get(provider["metadata"]["userinfo_endpoint"]).status_code == 401


def test_rp_initiated_logout_returns_to_the_app(provider: dict[str, Any]) -> None:
    app = provider["app"]
    app.post_logout_redirect_uris = ["https://rekenwijs.example/bye"]
    app.save()
    oauth = _client(provider)
    browser, location, state, _, verifier = _authorize(provider, oauth)
    token = oauth.fetch_token(
        provider["metadata"]["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    answer = browser.get(
        provider["metadata"]["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": "https://rekenwijs.example/bye",
            "state": "s1",
        },
    )
    assert answer.headers["Location"] == "https://rekenwijs.example/bye?state=s1"
    wait_for_deliveries()
    assert len(provider["receiver"].bodies) == 1


def test_negative_cases_issue_nothing(provider: dict[str, Any]) -> None:
    oauth = _client(provider)
    browser, location, state, _, verifier = _authorize(provider, oauth)
    endpoint = provider["metadata"]["token_endpoint"]

    with pytest.raises(OAuthError, match="invalid_grant"):  # wrong PKCE verifier
        oauth.fetch_token(endpoint, authorization_response=location, code_verifier="x" * 43, state=state)
    with pytest.raises(OAuthError, match="invalid_client"):  # wrong secret
        _client(provider, token_endpoint_auth_method="client_secret_post").fetch_token(
            endpoint, authorization_response=location, code_verifier=verifier, client_secret="wrong"
        )
    assert OidcGrant.objects.get().access_hash == ""

    token = oauth.fetch_token(endpoint, authorization_response=location, code_verifier=verifier, state=state)
    with pytest.raises(OAuthError, match="invalid_grant"):  # code reuse
        _client(provider).fetch_token(endpoint, authorization_response=location, code_verifier=verifier)
    assert oauth.get(provider["metadata"]["userinfo_endpoint"]).status_code == 401  # reuse revoked it

    wrong_uri = _client(provider, redirect_uri="https://rekenwijs.example/other")
    url, _ = wrong_uri.create_authorization_url(provider["metadata"]["authorization_endpoint"], nonce="n")
    assert browser.get(url).status_code == 400
    unknown = OAuth2Client(client_id="nobody", redirect_uri=REDIRECT_URI, scope="openid")
    url, _ = unknown.create_authorization_url(provider["metadata"]["authorization_endpoint"], nonce="n")
    assert browser.get(url).status_code == 400
    assert OidcGrant.objects.count() == 1
    assert "refresh_token" in token


def test_consent_withdrawn_mid_session(provider: dict[str, Any]) -> None:
    oauth = _client(provider)
    browser, location, state, _, verifier = _authorize(provider, oauth)
    oauth.fetch_token(
        provider["metadata"]["token_endpoint"],
        authorization_response=location,
        code_verifier=verifier,
        state=state,
    )
    do_withdraw_consent(provider["school"], provider["app"].partner, actor="coordinator")
    assert oauth.get(provider["metadata"]["userinfo_endpoint"]).status_code == 401
    with pytest.raises(OAuthError, match="invalid_grant"):
        oauth.refresh_token(provider["metadata"]["token_endpoint"])
    url, _ = oauth.create_authorization_url(provider["metadata"]["authorization_endpoint"], nonce="n2")
    page = browser.get(url)
    assert page.status_code == 403
    assert "Je school heeft deze software niet aangezet" in page.text
    assert OidcGrant.objects.count() == 1
