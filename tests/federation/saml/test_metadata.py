from __future__ import annotations

from lxml import etree

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.idp import IdentityProvider
from klaspoort.federation.saml.metadata import build_metadata

NS = {"md": c.MD, "ds": c.DS}
IDP = IdentityProvider(
    entity_id="https://idp.example.nl/saml/metadata/",
    sso_url="https://idp.example.nl/saml/sso/",
    metadata_url="https://idp.example.nl/saml/metadata/",
    uid_realm="idp.example.nl",
)


def test_metadata_describes_the_idp() -> None:
    root = etree.fromstring(build_metadata(IDP, "MIIBASE64"))
    assert root.get("entityID") == "https://idp.example.nl/saml/metadata/"
    descriptor = root.find("md:IDPSSODescriptor", NS)
    assert descriptor.get("protocolSupportEnumeration") == c.SAMLP
    assert descriptor.findtext(
        "md:KeyDescriptor/ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS
    ) == ("MIIBASE64")
    assert descriptor.find("md:KeyDescriptor", NS).get("use") == "signing"
    assert [e.text for e in descriptor.findall("md:NameIDFormat", NS)] == [c.NAMEID_PERSISTENT]
    assert [
        (e.get("Binding"), e.get("Location")) for e in descriptor.findall("md:SingleSignOnService", NS)
    ] == [
        (c.BINDING_REDIRECT, "https://idp.example.nl/saml/sso/"),
        (c.BINDING_POST, "https://idp.example.nl/saml/sso/"),
    ]
