"""Interop over real HTTP: pysaml2 as the SP, our IdP on the live server.

pysaml2 (a SAML SP nobody here wrote, verifying with Debian's xmlsec1) sends its AuthnRequest over
the HTTP-Redirect binding, receives our HTTP-POST response and must accept it; tampered responses,
unknown SPs, unregistered ACS URLs, tampered requests and withdrawn consent must fail.
"""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from lxml import html as lxml_html
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.response import StatusNoPassive
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.sigver import SignatureError
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA256

from klaspoort.federation.models import Disclosure
from tests.federation.saml.conftest import ECK, World, make_world, signed_in_session
from tests.federation.saml.helpers import cached_pem, posted_form
from tests.federation.saml.pysaml2_sp import make_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idp(live_server, settings) -> dict[str, str]:
    settings.BASE_URL = live_server.url
    metadata = httpx.get(f"{live_server.url}/saml/metadata/").text
    return {"url": live_server.url, "entity_id": f"{live_server.url}/saml/metadata/", "metadata": metadata}


def browser(idp: dict[str, str], principal=None) -> httpx.Client:
    cookies = {settings.SESSION_COOKIE_NAME: signed_in_session(principal)} if principal else {}
    return httpx.Client(base_url=idp["url"], cookies=cookies, follow_redirects=False)


def sp_initiated(sp, idp, http: httpx.Client, **kwargs) -> tuple[str, httpx.Response]:
    request_id, info = sp.prepare_for_authenticate(
        entityid=idp["entity_id"], relay_state="/na-inloggen", binding=BINDING_HTTP_REDIRECT, **kwargs
    )
    location = dict(info["headers"])["Location"]
    assert location.startswith(f"{idp['url']}/saml/sso/?SAMLRequest=")
    return request_id, http.get(location)


def test_sp_initiated_login_is_accepted_by_pysaml2(idp, xmlsec1_path: str) -> None:
    world = make_world()
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp, world.pupil_principal) as http:
        request_id, answer = sp_initiated(sp, idp, http)
    assert answer.status_code == 200
    action, fields = posted_form(answer.text)
    assert fields["RelayState"] == "/na-inloggen"
    parsed = sp.parse_authn_request_response(
        fields["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/na-inloggen"}
    )
    assert parsed.in_response_to == request_id
    assert parsed.name_id.format == NAMEID_FORMAT_PERSISTENT
    assert parsed.name_id.text == world.pseudonym(world.pupil.uuid)
    realm = idp["url"].split("//")[1].split(":")[0]
    assert parsed.ava == {
        "uid": [f"{world.pseudonym(world.pupil.uuid)}@{realm}"],
        "eduPersonAffiliation": ["student"],
        "nlEduPersonHomeOrganizationId": ["12AB"],
        "nlEduPersonHomeOrganizationBranchId": ["12AB01"],
        "nlEduPersonHomeOrganization": ["De Regenboog"],
    }
    assert action == "https://sp.example.nl/saml/acs"
    assert Disclosure.objects.count() == 1


def test_names_and_eck_id_with_consent(idp, xmlsec1_path: str) -> None:
    world = make_world(names=True)
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp, world.pupil_principal) as http:
        request_id, answer = sp_initiated(sp, idp, http)
    parsed = sp.parse_authn_request_response(
        posted_form(answer.text)[1]["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"}
    )
    assert parsed.ava["givenName"] == ["Sem"]
    assert parsed.ava["sn"] == ["Vries"]
    assert parsed.ava["nlEduPersonTussenvoegsels"] == ["de"]
    assert parsed.ava["eckId"] == [ECK]


def test_signed_requests_from_an_sp_with_a_certificate(idp, xmlsec1_path: str, tmp_path: Path) -> None:
    pem = cached_pem("pysaml2 SP")
    split = pem.index(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "sp.key").write_bytes(pem[:split])
    (tmp_path / "sp.crt").write_bytes(pem[split:])
    world = make_world(certificate=pem[split:].decode())
    sp = make_client(
        xmlsec1_path, idp["metadata"], key_file=str(tmp_path / "sp.key"), cert_file=str(tmp_path / "sp.crt")
    )
    with browser(idp, world.staff_principal) as http:
        request_id, answer = sp_initiated(sp, idp, http, sign=True, sigalg=SIG_RSA_SHA256)
        assert answer.status_code == 200
        parsed = sp.parse_authn_request_response(
            posted_form(answer.text)[1]["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
        assert parsed.ava["eduPersonAffiliation"] == ["employee"]

        _, info = sp.prepare_for_authenticate(
            entityid=idp["entity_id"],
            relay_state="a",
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        tampered = dict(info["headers"])["Location"].replace("RelayState=a", "RelayState=b")
        refused = http.get(tampered)
        assert refused.status_code == 400
        assert "niet correct ondertekend" in refused.text
        unsigned = http.get(
            dict(sp.prepare_for_authenticate(entityid=idp["entity_id"], sign=False)[1]["headers"])["Location"]
        )
        assert unsigned.status_code == 400
    assert Disclosure.objects.count() == 1


def test_idp_initiated_login_is_accepted_by_pysaml2(idp, xmlsec1_path: str) -> None:
    world = make_world()
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp, world.staff_principal) as http:
        answer = http.get("/saml/idp-initiated/rekenwijs/", params={"RelayState": "/lessen"})
    action, fields = posted_form(answer.text)
    assert (action, fields["RelayState"]) == ("https://sp.example.nl/saml/acs", "/lessen")
    parsed = sp.parse_authn_request_response(fields["SAMLResponse"], BINDING_HTTP_POST)
    assert parsed.in_response_to is None
    assert parsed.name_id.text == world.pseudonym(world.staff.uuid)
    assert parsed.ava["eduPersonAffiliation"] == ["employee"]


def test_tampered_response_is_rejected_by_pysaml2(idp, xmlsec1_path: str) -> None:
    world = make_world()
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp, world.pupil_principal) as http:
        request_id, answer = sp_initiated(sp, idp, http)
    xml = base64.b64decode(posted_form(answer.text)[1]["SAMLResponse"])
    tampered = xml.replace(b">student<", b">employee<")
    assert tampered != xml
    with pytest.raises(SignatureError):
        sp.parse_authn_request_response(
            base64.b64encode(tampered).decode(), BINDING_HTTP_POST, outstanding={request_id: "/"}
        )


def test_unknown_sp_and_unregistered_acs_get_nothing(idp, xmlsec1_path: str) -> None:
    world: World = make_world()
    stranger = make_client(xmlsec1_path, idp["metadata"], entity_id="https://stranger.example.nl/sp")
    wrong_acs = make_client(xmlsec1_path, idp["metadata"], acs_url="https://evil.example.nl/acs")
    with browser(idp, world.pupil_principal) as http:
        unknown = sp_initiated(stranger, idp, http)[1]
        unregistered = sp_initiated(wrong_acs, idp, http)[1]
        location = dict(make_client(xmlsec1_path, idp["metadata"]).prepare_for_authenticate(
            entityid=idp["entity_id"])[1]["headers"])["Location"]  # fmt: skip
        garbled = http.get(location.replace("SAMLRequest=", "SAMLRequest=AAAA"))
    assert (unknown.status_code, unregistered.status_code, garbled.status_code) == (400, 400, 400)
    assert "niet bij klaspoort bekend" in unknown.text
    assert "niet bij deze software is geregistreerd" in unregistered.text
    assert "onleesbaar of beschadigd" in garbled.text
    assert Disclosure.objects.count() == 0


def test_consent_withdrawn_mid_session_stops_the_next_login(idp, xmlsec1_path: str) -> None:
    world = make_world()
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp, world.pupil_principal) as http:
        assert sp_initiated(sp, idp, http)[1].status_code == 200
        world.untick()
        refused = sp_initiated(sp, idp, http)[1]
        launched = http.get("/saml/idp-initiated/rekenwijs/")
    assert refused.status_code == launched.status_code == 403
    assert "Vraag je ICT-coördinator" in refused.text
    assert "SAMLResponse" not in refused.text + launched.text
    assert Disclosure.objects.count() == 1


def test_passive_request_without_sign_in_is_a_no_passive_status(idp, xmlsec1_path: str) -> None:
    make_world()
    sp = make_client(xmlsec1_path, idp["metadata"])
    with browser(idp) as http:
        request_id, answer = sp_initiated(sp, idp, http, is_passive="true")
    with pytest.raises(StatusNoPassive):
        sp.parse_authn_request_response(
            posted_form(answer.text)[1]["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    assert Disclosure.objects.count() == 0


def test_signed_post_binding_request_from_pysaml2(idp, xmlsec1_path: str, tmp_path: Path) -> None:
    pem = cached_pem("pysaml2 SP")
    split = pem.index(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "sp.key").write_bytes(pem[:split])
    (tmp_path / "sp.crt").write_bytes(pem[split:])
    world = make_world(certificate=pem[split:].decode())
    sp = make_client(
        xmlsec1_path, idp["metadata"], key_file=str(tmp_path / "sp.key"), cert_file=str(tmp_path / "sp.crt")
    )

    def post_request(digest: str) -> tuple[str, dict[str, str]]:
        request_id, info = sp.prepare_for_authenticate(
            entityid=idp["entity_id"],
            relay_state="post",
            binding=BINDING_HTTP_POST,
            sign=True,
            sigalg=SIG_RSA_SHA256,
            digest_alg=digest,
        )
        form = lxml_html.fromstring(info["data"]).forms[0]
        return request_id, {field.name: field.value for field in form.inputs if field.name}

    request_id, fields = post_request(DIGEST_SHA256)
    _, sha1_fields = post_request(DIGEST_SHA1)  # pysaml2's default digest; SHA-1 is refused
    with browser(idp, world.pupil_principal) as http:
        tampered = dict(fields, SAMLRequest=base64.b64encode(
            base64.b64decode(fields["SAMLRequest"]).replace(b"sp.example.nl/saml/acs", b"sp.example.nl/saml/acX")
        ).decode())  # fmt: skip
        assert http.post("/saml/sso/", data=tampered).status_code == 400
        assert http.post("/saml/sso/", data=sha1_fields).status_code == 400
        posted = http.post("/saml/sso/", data=fields)
        assert posted.status_code == 303
        answer = http.get(posted.headers["Location"])
    parsed = sp.parse_authn_request_response(
        posted_form(answer.text)[1]["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"}
    )
    assert parsed.in_response_to == request_id
    assert parsed.name_id.text == world.pseudonym(world.pupil.uuid)
    assert Disclosure.objects.count() == 1
