"""IdP-initiated single sign-on (portal launch): /saml/idp-initiated/<app id>/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from klaspoort.federation.models import Disclosure
from klaspoort.federation.saml import constants as c
from tests.federation.saml.conftest import World, make_world, sign_in
from tests.federation.saml.helpers import posted_form, response_xml
from tests.federation.saml.pysaml2_sp import SP_ACS_URL

NS = {"saml": c.SAML}
SECOND_ACS = "https://sp.example.nl/saml/acs-2"


def launch(client: Client, app_id: str, **params: str):
    query = f"?{urlencode(params)}" if params else ""
    return client.get(f"/saml/idp-initiated/{app_id}/{query}")


def test_unsolicited_response_for_the_signed_in_person(
    client: Client, world: World, django_assert_num_queries
) -> None:
    sign_in(client, world.staff_principal)
    # the session, the app (then kept by this worker), the consent, the person with groups, the record
    with django_assert_num_queries(5):
        response = launch(client, "rekenwijs", RelayState="/lessen/7")
    assert response.status_code == 200
    action, fields = posted_form(response.content)
    assert (action, fields["RelayState"]) == (SP_ACS_URL, "/lessen/7")
    root = response_xml(response.content)
    assert "InResponseTo" not in root.attrib
    assert root.findtext("saml:Assertion/saml:Subject/saml:NameID", namespaces=NS) == world.pseudonym(
        world.staff.uuid
    )
    assert Disclosure.objects.get().person == world.staff.uuid
    with django_assert_num_queries(4):  # the app from this worker's cache
        again = launch(client, "rekenwijs", RelayState="/lessen/7")
    assert posted_form(again.content)[0] == SP_ACS_URL
    assert Disclosure.objects.count() == 2


def test_post_form_may_post_to_the_registered_acs_only_and_its_script_has_the_nonce(
    client: Client, world: World
) -> None:
    """Finding 12.7: the SAML POST page's policy names the app's ACS origin as a form target."""
    from urllib.parse import urlsplit

    sign_in(client, world.pupil_principal)
    response = launch(client, "rekenwijs")
    header = response["Content-Security-Policy"]
    acs = urlsplit(SP_ACS_URL)
    assert f"form-action 'self' {acs.scheme}://{acs.netloc}" in header
    nonce = header.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    assert f'<script nonce="{nonce}">' in page
    assert f'<style nonce="{nonce}">' in page


def test_app_by_uuid(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    assert posted_form(launch(client, str(world.app.uuid)).content)[0] == SP_ACS_URL


def test_target_picks_a_registered_acs(client: Client, db) -> None:
    world = make_world(acs_urls=[SP_ACS_URL, SECOND_ACS])
    sign_in(client, world.pupil_principal)
    assert posted_form(launch(client, "rekenwijs", target=SECOND_ACS).content)[0] == SECOND_ACS


def test_unregistered_target_is_refused(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    response = launch(client, "rekenwijs", target="https://evil.example.nl/acs")
    assert response.status_code == 400
    assert "niet bij de software is geregistreerd" in response.content.decode()
    assert Disclosure.objects.count() == 0


def test_unknown_app(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    assert launch(client, "onbekend").status_code == 404
    assert Disclosure.objects.count() == 0


def test_not_signed_in_goes_to_login_and_back(client: Client, world: World) -> None:
    response = launch(client, "rekenwijs", RelayState="x")
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    assert parse_qs(location.query)["next"] == ["/saml/idp-initiated/rekenwijs/?RelayState=x"]
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize("withdrawn", ["consent", "app"])
def test_nothing_issued_when_switched_off(client: Client, world: World, withdrawn: str) -> None:
    if withdrawn == "consent":
        world.untick()
    else:
        world.app.active = False
        world.app.save()
    sign_in(client, world.pupil_principal)
    response = launch(client, "rekenwijs")
    assert response.status_code == 403
    assert "SAMLResponse" not in response.content.decode()
    assert Disclosure.objects.count() == 0
