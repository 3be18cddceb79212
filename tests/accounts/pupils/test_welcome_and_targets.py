from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.targets import register_target_handler, unregister_target_handler
from klaspoort.core.actors import SystemActor
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna() -> tuple[roster.Classroom, PupilCredential]:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    do_new_code(
        credential,
        actor=SystemActor("test"),
        school_ref=room.school.instelling_ref,
        kind=CodeKind.PIN,
        code="4821",
    )
    return room, credential


def login(
    client: Client, room: roster.Classroom, credential: PupilCredential, target: str = ""
) -> HttpResponse:
    url = reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug])
    return client.post(url, {"code": "4821", "target": target})


def test_welcome_page_shows_name_group_and_school(client: Client, anna: tuple) -> None:
    room, credential = anna
    login(client, room, credential)
    html = client.get("/leerling/").content.decode()
    assert "Welkom, Anna!" in html
    assert "Je zit in Groep 5 van De Regenboog." in html
    assert "Jansen" not in html


def test_welcome_page_without_login_is_a_friendly_refusal(client: Client) -> None:
    response = client.get("/leerling/")
    assert response.status_code == 403
    assert "Je bent niet ingelogd" in response.content.decode()


def test_staff_are_not_pupils(client: Client) -> None:
    room = roster.classroom()
    roster.sign_in_staff(client, factories.staff(room.school, "juf@school.nl", groups=(room.group,)))
    assert client.get("/leerling/").status_code == 403


def test_logout_ends_the_session_and_returns_to_the_school_shortcut(client: Client, anna: tuple) -> None:
    room, credential = anna
    login(client, room, credential)
    response = client.post("/leerling/uitloggen")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{room.school.instelling_ref}/"
    assert SESSION_KEY not in client.session
    assert client.get("/leerling/").status_code == 403


def test_logout_needs_a_post(client: Client, anna: tuple) -> None:
    room, credential = anna
    login(client, room, credential)
    assert client.get("/leerling/uitloggen").status_code == 405
    assert SESSION_KEY in client.session


def test_deep_link_carries_the_target_through_every_step(client: Client, anna: tuple) -> None:
    room, credential = anna
    target = "https://uitgever.example/saml/acs?x=1&y=2"
    response = client.get(
        f"/login/leerlingen/snelkoppelaar?INSTELLING_REF={room.school.instelling_ref}&TARGET={quote(target)}"
    )
    assert response.status_code == 302
    carried = "?target=" + quote(target, safe="")
    assert response["Location"] == f"/s/{room.school.instelling_ref}/{carried}"
    groups = client.get(response["Location"]).content.decode()
    assert f"/s/{room.school.instelling_ref}/{room.group.uuid}/{carried}".replace("&", "&amp;") in groups
    pupils = client.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/{carried}").content.decode()
    assert f"{credential.slug}/{carried}" in pupils
    code_page = client.get(
        reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug]) + carried
    ).content.decode()
    assert 'name="target" value="https://uitgever.example/saml/acs?x=1&amp;y=2"' in code_page


def test_an_unregistered_target_is_never_redirected_to_but_shown_as_text(client: Client, anna: tuple) -> None:
    room, credential = anna
    response = login(client, room, credential, target="https://evil.example/<b>phish</b>")
    assert response["Location"] == "/portal/"
    html = client.get("/leerling/").content.decode()
    assert "https://evil.example/&lt;b&gt;phish&lt;/b&gt;" in html
    assert 'href="https://evil.example' not in html


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "/\\evil.example", "javascript:alert(1)", "https://evil.example"]
)
def test_open_redirect_attempts_land_on_the_welcome_page(client: Client, anna: tuple, target: str) -> None:
    room, credential = anna
    assert login(client, room, credential, target=target)["Location"] == "/portal/"


def test_a_same_site_target_is_followed(client: Client, anna: tuple) -> None:
    room, credential = anna
    assert login(client, room, credential, target="/leerling/?tab=2")["Location"] == "/leerling/?tab=2"


@pytest.fixture
def partner_handler() -> Iterator[None]:
    def handler(request: HttpRequest, target: str) -> HttpResponse | None:
        if target.startswith("https://partner.example/"):
            return HttpResponse(f"SAML to {target}")
        return None

    register_target_handler(handler)
    yield
    unregister_target_handler(handler)


def test_a_registered_partner_target_is_handed_to_its_handler(
    client: Client, anna: tuple, partner_handler: None
) -> None:
    room, credential = anna
    response = login(client, room, credential, target="https://partner.example/acs")
    assert response.content == b"SAML to https://partner.example/acs"
    assert client.session[SESSION_KEY]["kind"] == "pupil"
