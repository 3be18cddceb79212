"""The IdP's SAML metadata (EntityDescriptor with one IDPSSODescriptor)."""

from __future__ import annotations

from lxml import etree

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.idp import IdentityProvider

METADATA_CONTENT_TYPE = "application/samlmetadata+xml"


def build_metadata(idp: IdentityProvider, certificate_base64: str) -> bytes:
    """Entity id, signing certificate, SSO endpoints (HTTP-Redirect and HTTP-POST), persistent NameIDs."""
    entity = etree.Element(f"{{{c.MD}}}EntityDescriptor", {"entityID": idp.entity_id}, nsmap={"md": c.MD})
    descriptor = etree.SubElement(
        entity,
        f"{{{c.MD}}}IDPSSODescriptor",
        {"protocolSupportEnumeration": c.SAMLP, "WantAuthnRequestsSigned": "false"},
    )
    key_descriptor = etree.SubElement(descriptor, f"{{{c.MD}}}KeyDescriptor", {"use": "signing"})
    key_info = etree.SubElement(key_descriptor, f"{{{c.DS}}}KeyInfo", nsmap={"ds": c.DS})
    x509_data = etree.SubElement(key_info, f"{{{c.DS}}}X509Data")
    etree.SubElement(x509_data, f"{{{c.DS}}}X509Certificate").text = certificate_base64
    etree.SubElement(descriptor, f"{{{c.MD}}}NameIDFormat").text = c.NAMEID_PERSISTENT
    for binding in (c.BINDING_REDIRECT, c.BINDING_POST):
        etree.SubElement(
            descriptor, f"{{{c.MD}}}SingleSignOnService", {"Binding": binding, "Location": idp.sso_url}
        )
    return etree.tostring(entity, xml_declaration=True, encoding="UTF-8", pretty_print=True)
