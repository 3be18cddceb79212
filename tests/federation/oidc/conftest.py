"""An app, a school that ticked it, a teacher and a pupil, and a browser (test client) signed in."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.federation.models import PartnerApp
from klaspoort.federation.oidc import keys
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, StaffMember
from tests.federation.factories import REDIRECT_URI, make_app, principal_for, tick
from tests.roster import factories


@dataclass
class World:
    school: SchoolLocation
    group: Group
    pupil: Pupil
    teacher: StaffMember
    app: PartnerApp
    secret: str


@pytest.fixture
def world(db: None, settings: Any) -> World:
    settings.BASE_URL = "http://localhost"
    school = factories.school()
    group = factories.group(school, "Groep 5a")
    pupil = factories.pupil(
        group, "Sanne", "Vries", infix="de", eck_id="https://ketenid.nl/201703/" + "c" * 128
    )
    teacher = factories.staff(
        school, "jan@regenboog.example", groups=(group,), first_name="Jan", surname="Jansen"
    ).staff
    app, secret = make_app()
    tick(school, app.partner)
    return World(school, group, pupil, teacher, app, secret)


def sign_in(client: Client, principal: Principal) -> None:
    """What a login flow leaves in the session (pupil login, staff login after the school pick)."""
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()


@pytest.fixture
def pupil_client(world: World) -> Client:
    client = Client()
    sign_in(client, principal_for(world.pupil, world.school))
    return client


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(**overrides: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": "rekenwijs",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
        "state": "st-123",
        "nonce": "n-456",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v != ""}


def authorize_url(**overrides: str) -> str:
    return "/oidc/authorize/?" + urlencode(authorize_params(**overrides))


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client: Client, **overrides: str) -> str:
    response = client.get(authorize_url(**overrides))
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(REDIRECT_URI + "?")
    query = query_of(response["Location"])
    assert query["state"] == overrides.get("state", "st-123")
    return query["code"]


def basic_auth(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {raw}"}


def exchange(code: str, secret: str, **extra: str) -> Any:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, **extra}
    return Client().post("/oidc/token/", data, **basic_auth("rekenwijs", secret))


def settle_signing_keys() -> None:
    """Make the signing keys and load them once more, so this worker's key cache holds for its
    usual minute. Right after the keys were made it looks again within 2 s (other workers may have
    made keys too), which a query count taken later on a slow machine would see."""
    keys.signing_key("ES256")
    keys.clear_key_cache()
    keys.signing_key("ES256")
