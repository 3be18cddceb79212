from __future__ import annotations

import httpx
import pytest
from django.test import Client
from lxml import etree
from saml2.config import Config
from saml2.mdstore import MetadataStore

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.keys import signing_credentials

NS = {"md": c.MD, "ds": c.DS}


def test_metadata_is_served(client: Client, settings) -> None:
    settings.BASE_URL = "https://klaspoort.example.nl"
    response = client.get("/saml/metadata/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    root = etree.fromstring(response.content)
    assert root.get("entityID") == "https://klaspoort.example.nl/saml/metadata/"
    assert root.findtext(".//ds:X509Certificate", namespaces=NS) == signing_credentials().certificate_base64
    locations = {e.get("Location") for e in root.iterfind(".//md:SingleSignOnService", NS)}
    assert locations == {"https://klaspoort.example.nl/saml/sso/"}


def test_metadata_refuses_post(client: Client) -> None:
    assert client.post("/saml/metadata/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_pysaml2_loads_the_metadata_from_the_live_server(live_server, settings, xmlsec1_path: str) -> None:
    settings.BASE_URL = live_server.url
    xml = httpx.get(f"{live_server.url}/saml/metadata/").text
    config = Config()
    config.load({"xmlsec_binary": xmlsec1_path})
    store = MetadataStore(attrc=[], config=config)
    store.load("inline", xml)
    entity_id = f"{live_server.url}/saml/metadata/"
    assert (
        store.single_sign_on_service(entity_id, c.BINDING_REDIRECT)[0]["location"]
        == f"{live_server.url}/saml/sso/"
    )
    assert (
        store.single_sign_on_service(entity_id, c.BINDING_POST)[0]["location"]
        == f"{live_server.url}/saml/sso/"
    )
    certificates = store.certs(entity_id, "idpsso", use="signing")
    assert "".join(certificates[0][1].split()) == signing_credentials().certificate_base64
