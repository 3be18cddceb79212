"""SP-initiated single sign-on through the views (Django test client)."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.principal import Principal
from klaspoort.federation.models import Disclosure
from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml import receive
from tests.federation.saml.conftest import World, make_world, sign_in
from tests.federation.saml.helpers import (
    authn_request_xml,
    key_and_certificate_pem,
    posted_form,
    redirect_query,
    response_xml,
)
from tests.federation.saml.pysaml2_sp import SP_ACS_URL, SP_ENTITY_ID
from tests.schooladmin.test_partners import withdraw_in_console

NS = {"samlp": c.SAMLP, "saml": c.SAML, "ds": c.DS}
SSO = "http://testserver/saml/sso/"


@pytest.fixture(autouse=True)
def _base_url(settings) -> None:
    settings.BASE_URL = "http://testserver"


def request_xml(**kwargs) -> bytes:
    kwargs.setdefault("issuer", SP_ENTITY_ID)
    kwargs.setdefault("acs_url", SP_ACS_URL)
    kwargs.setdefault("destination", SSO)
    return authn_request_xml(**kwargs)


def get_sso(client: Client, xml: bytes, **kwargs):
    return client.get(f"/saml/sso/?{redirect_query(xml, **kwargs)}")


def attributes_of(root) -> dict[str, list[str]]:
    return {
        a.get("Name"): [v.text for v in a.findall("saml:AttributeValue", NS)]
        for a in root.iterfind(".//saml:Attribute", NS)
    }


def _statements_of_a_cache_add() -> int:
    """What the replay cache's atomic add costs on the configured cache: none on Redis, one or
    more statements on the database cache."""
    with CaptureQueriesContext(connection) as captured:
        assert cache.add("tests:saml:statements-of-an-add", 1, timeout=60)
    cache.delete("tests:saml:statements-of-an-add")
    return len(captured.captured_queries)


def test_signed_in_pupil_gets_a_signed_response(
    client: Client, world: World, django_assert_num_queries
) -> None:
    sign_in(client, world.pupil_principal)
    replay_marker = _statements_of_a_cache_add()
    # the session, the SP (then kept by this worker), the replay marker, the consent, the pupil with
    # groups, the disclosure record
    with django_assert_num_queries(5 + replay_marker):
        response = get_sso(client, request_xml(), relay_state="back/to/page 1")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    action, fields = posted_form(response.content)
    assert action == SP_ACS_URL
    assert fields["RelayState"] == "back/to/page 1"
    root = response_xml(response.content)
    assert root.get("InResponseTo") == "_req0123456789abcdef"
    assert root.get("Destination") == SP_ACS_URL
    assert root.findtext("saml:Assertion/saml:Subject/saml:NameID", namespaces=NS) == world.pseudonym(
        world.pupil.uuid
    )
    assert root.find("saml:Assertion/ds:Signature", NS) is not None
    assert attributes_of(root) == {
        "uid": [f"{world.pseudonym(world.pupil.uuid)}@testserver"],
        "eduPersonAffiliation": ["student"],
        "nlEduPersonHomeOrganizationId": ["12AB"],
        "nlEduPersonHomeOrganizationBranchId": ["12AB01"],
        "nlEduPersonHomeOrganization": ["De Regenboog"],
    }
    disclosure = Disclosure.objects.get()
    assert (disclosure.purpose, disclosure.person, disclosure.app_id) == (
        "saml",
        world.pupil.uuid,
        world.app.pk,
    )
    assert disclosure.fields == ["sub", "role", "school", "groups"]
    with django_assert_num_queries(4 + replay_marker):  # the SP from this worker's cache
        again = get_sso(client, request_xml(request_id="_req-second"))
    assert response_xml(again.content).get("InResponseTo") == "_req-second"
    assert Disclosure.objects.count() == 2


def test_names_and_eck_id_only_with_consent(client: Client, world: World) -> None:
    world.tick(names=True, eck_id=True)
    sign_in(client, world.staff_principal)
    attributes = attributes_of(response_xml(get_sso(client, request_xml()).content))
    assert attributes["eduPersonAffiliation"] == ["employee"]
    assert attributes["givenName"] == ["Anna"]
    assert attributes["sn"] == ["Berg"]
    assert attributes["nlEduPersonTussenvoegsels"] == ["van der"]
    assert "eckId" not in attributes  # the staff member has no ECK iD


def test_page_submits_itself_without_third_party_resources(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    html = get_sso(client, request_xml()).content.decode()
    assert re.search(
        r'<script nonce="[A-Za-z0-9_-]{22}">document.getElementById\("saml-post"\).submit\(\);</script>', html
    )
    assert "src=" not in html
    assert "<link" not in html
    assert '<button type="submit">Doorgaan</button>' in html


def test_not_signed_in_goes_to_login_then_resumes(client: Client, world: World) -> None:
    response = get_sso(client, request_xml(), relay_state="rs")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/"
    resume = parse_qs(location.query)["next"][0]
    assert resume.startswith("/saml/sso/resume/?p=")
    assert Disclosure.objects.count() == 0

    assert urlsplit(client.get(resume)["Location"]).path == "/login/"  # still not signed in
    sign_in(client, world.pupil_principal)
    answered = client.get(resume)
    assert answered.status_code == 200
    action, fields = posted_form(answered.content)
    assert (action, fields["RelayState"]) == (SP_ACS_URL, "rs")
    assert response_xml(answered.content).get("InResponseTo") == "_req0123456789abcdef"


def test_post_binding_is_answered_after_a_same_site_get(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    encoded = base64.b64encode(request_xml()).decode()
    response = client.post("/saml/sso/", {"SAMLRequest": encoded, "RelayState": "x"})
    assert response.status_code == 303
    answered = client.get(response["Location"])
    assert posted_form(answered.content)[0] == SP_ACS_URL
    assert response_xml(answered.content).get("InResponseTo") == "_req0123456789abcdef"


def test_forged_resume_token_is_refused(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    response = client.get("/saml/sso/resume/?p=forged")
    assert response.status_code == 400
    assert "verlopen of ongeldig" in response.content.decode()
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (request_xml(issuer="https://unknown.example.nl/sp"), "niet bij klaspoort bekend"),
        (request_xml(acs_url="https://evil.example.nl/acs"), "niet bij deze software is geregistreerd"),
        (request_xml(destination="https://other-idp.example.nl/sso"), "bedoeld voor een andere inlogdienst"),
    ],
)
def test_refused_requests_issue_nothing(client: Client, world: World, xml: bytes, expected: str) -> None:
    sign_in(client, world.pupil_principal)
    response = get_sso(client, xml)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert "SAMLResponse" not in response.content.decode()
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize("query", ["", "SAMLRequest=", "SAMLRequest=%%%", "SAMLRequest=bm90IGRlZmxhdGVk"])
def test_garbled_requests_get_a_clear_page(client: Client, world: World, query: str) -> None:
    sign_in(client, world.pupil_principal)
    response = client.get(f"/saml/sso/?{query}")
    assert response.status_code == 400
    assert "onleesbaar of beschadigd" in response.content.decode()
    assert Disclosure.objects.count() == 0


def test_withdrawn_consent_issues_nothing(client: Client, world: World) -> None:
    world.untick()
    sign_in(client, world.pupil_principal)
    response = get_sso(client, request_xml())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Je school heeft deze software niet aangezet" in page
    assert "Je probeert in te loggen bij Rekenwijs van Uitgeverij Noord." in page
    assert "Vraag je ICT-coördinator om deze software aan te zetten." in page
    assert "SAMLResponse" not in page
    assert Disclosure.objects.count() == 0


def test_a_withdrawal_in_the_console_refuses_the_next_sign_in_at_once(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    assert get_sso(client, request_xml()).status_code == 200
    withdraw_in_console(world.school, world.partner)
    response = get_sso(client, request_xml(request_id="_req_after_the_withdrawal"))
    assert response.status_code == 403
    assert "Je school heeft deze software niet aangezet" in response.content.decode()
    assert "SAMLResponse" not in response.content.decode()
    assert Disclosure.objects.count() == 1


def test_school_without_consent_row_issues_nothing(client: Client, world: World) -> None:
    from klaspoort.federation.models import Consent

    Consent.objects.all().delete()
    sign_in(client, world.pupil_principal)
    assert get_sso(client, request_xml()).status_code == 403
    assert Disclosure.objects.count() == 0


def test_inactive_pupil_issues_nothing(client: Client, world: World) -> None:
    world.pupil.active = False
    world.pupil.save()
    sign_in(client, world.pupil_principal)
    response = get_sso(client, request_xml())
    assert response.status_code == 403
    assert "niet (meer) actief" in response.content.decode()
    assert Disclosure.objects.count() == 0


@pytest.fixture
def signing_sp(db):
    key, certificate = key_and_certificate_pem()
    return key, make_world(certificate=certificate)


def test_sp_with_certificate_must_sign(client: Client, signing_sp) -> None:
    key, world = signing_sp
    sign_in(client, world.pupil_principal)
    unsigned = get_sso(client, request_xml())
    assert unsigned.status_code == 400
    assert "moet haar inlogverzoeken ondertekenen" in unsigned.content.decode()
    other_key, _ = key_and_certificate_pem("other SP")
    assert get_sso(client, request_xml(), key=other_key).status_code == 400
    assert Disclosure.objects.count() == 0
    signed = get_sso(client, request_xml(), relay_state="r", key=key)
    assert signed.status_code == 200
    assert Disclosure.objects.count() == 1


def test_second_registered_acs_is_honoured(client: Client, db) -> None:
    world = make_world(acs_urls=[SP_ACS_URL, "https://sp.example.nl/saml/acs-2"])
    sign_in(client, world.pupil_principal)
    response = get_sso(client, request_xml(acs_url="https://sp.example.nl/saml/acs-2"))
    assert posted_form(response.content)[0] == "https://sp.example.nl/saml/acs-2"


def test_real_staff_login_continues_to_the_partner(client: Client, world: World, settings) -> None:
    from klaspoort.accounts.models import Account

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world.staff.account = Account.objects.create_user(
        "anna@example.nl", "zonnebloem42", kind="staff", is_active=True
    )
    world.staff.save()
    to_login = get_sso(client, request_xml(), relay_state="rs")
    next_url = parse_qs(urlsplit(to_login["Location"]).query)["next"][0]
    logged_in = client.post(
        "/login/", {"email": "anna@example.nl", "password": "zonnebloem42", "next": next_url}
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == next_url
    answered = client.get(next_url)
    root = response_xml(answered.content)
    assert root.findtext("saml:Assertion/saml:Subject/saml:NameID", namespaces=NS) == world.pseudonym(
        world.staff.uuid
    )
    assert posted_form(answered.content)[1]["RelayState"] == "rs"


def test_passive_request_without_sign_in_gets_no_passive(client: Client, world: World) -> None:
    response = get_sso(client, request_xml(extra=' IsPassive="true"'), relay_state="rs")
    assert response.status_code == 200
    action, fields = posted_form(response.content)
    assert (action, fields["RelayState"]) == (SP_ACS_URL, "rs")
    root = response_xml(response.content)
    assert root.get("InResponseTo") == "_req0123456789abcdef"
    codes = [e.get("Value") for e in root.iter(f"{{{c.SAMLP}}}StatusCode")]
    assert codes == [c.STATUS_RESPONDER, c.STATUS_NO_PASSIVE]
    assert root.find("saml:Assertion", NS) is None
    assert root.find("ds:Signature", NS) is not None
    assert Disclosure.objects.count() == 0


def test_passive_request_when_signed_in_is_answered_normally(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)
    root = response_xml(get_sso(client, request_xml(extra=' IsPassive="true"')).content)
    assert root.find("saml:Assertion", NS) is not None


def test_force_authn_asks_for_a_new_sign_in(client: Client, world: World) -> None:
    sign_in(client, world.pupil_principal)  # signed in long ago (2023)
    response = get_sso(client, request_xml(extra=' ForceAuthn="true"'))
    assert response.status_code == 302
    resume = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert urlsplit(client.get(resume)["Location"]).path == "/login/"  # the old sign-in still does not count
    assert Disclosure.objects.count() == 0
    fresh = Principal(kind="pupil", person=world.pupil.uuid, school=world.school.instelling_ref)
    sign_in(client, fresh)  # auth_time = now
    assert posted_form(client.get(resume).content)[0] == SP_ACS_URL


def test_a_replayed_request_id_is_refused_per_sp_until_it_expires(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 10 of issue 12: the same AuthnRequest ID is answered once; a second time it gets a
    clear refusal and no response is issued. Another ID is answered; the ID is forgotten once the
    request would be too old anyway."""
    remembered: list[tuple[str, float]] = []
    real_add = receive.cache.add

    def add(key: str, value: object, timeout: float) -> bool:
        remembered.append((key, timeout))
        return real_add(key, value, timeout)

    monkeypatch.setattr(receive.cache, "add", add)
    sign_in(client, world.pupil_principal)
    xml = request_xml(request_id="_replay0123456789")
    first = get_sso(client, xml)
    assert first.status_code == 200
    assert response_xml(first.content).get("InResponseTo") == "_replay0123456789"
    disclosures = Disclosure.objects.count()
    again = get_sso(client, xml)
    assert again.status_code == 400
    assert "Dit inlogverzoek is al eens gebruikt" in again.content.decode()
    assert b"SAMLResponse" not in again.content
    assert Disclosure.objects.count() == disclosures  # nothing released for the replay
    assert get_sso(client, request_xml(request_id="_other0123456789")).status_code == 200
    key = receive._seen_key(SP_ENTITY_ID, "_replay0123456789")
    assert [k for k, _ in remembered] == [key, key, receive._seen_key(SP_ENTITY_ID, "_other0123456789")]
    assert 12 * 60 < remembered[0][1] <= 13 * 60 + 1  # until IssueInstant + 10 min + 3 min clock skew
    assert receive._seen_key("https://other-sp.example/metadata", "_replay0123456789") != key  # per SP
