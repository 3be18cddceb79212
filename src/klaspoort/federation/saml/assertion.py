"""Build and sign a SAML 2.0 <samlp:Response> carrying one bearer <saml:Assertion>.

Pure: the input is a plain `ResponseInput` (who, for which SP, which attributes — the attributes
come from the disclosure path, never from here), the output is signed XML bytes. The assertion is
always signed (enveloped XML Signature: RSA-SHA256, SHA-256 digest, exclusive c14n); the response
too when the SP asks for it.

The signature is made here with lxml's exclusive canonicalisation and `cryptography`, in one pass
over the tree we just built: the element is canonicalised without its signature (what the
enveloped-signature transform gives a verifier), digested, and the <ds:SignedInfo> naming that
digest is canonicalised in place and signed. A general signing library (signxml) serialises and
re-parses the document and searches it for the reference on every call, which cost about twice
the RSA signature itself; verifiers (signxml, xmlsec1) check the result in the tests.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.keys import SigningCredentials

ASSERTION_LIFETIME = dt.timedelta(minutes=5)
CLOCK_SKEW = dt.timedelta(seconds=60)


def new_id() -> str:
    """An xs:ID value with 160 bits of randomness."""
    return "_" + secrets.token_hex(20)


def saml_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class SamlAttribute:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ResponseInput:
    idp_entity_id: str
    sp_entity_id: str
    acs_url: str
    name_id: str
    attributes: tuple[SamlAttribute, ...]
    issued_at: dt.datetime
    authn_instant: dt.datetime
    in_response_to: str | None = None
    lifetime: dt.timedelta = ASSERTION_LIFETIME
    response_id: str = field(default_factory=new_id)
    assertion_id: str = field(default_factory=new_id)
    session_index: str = field(default_factory=new_id)


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _signature_placeholder(parent: etree._Element, index: int) -> None:
    placeholder = etree.Element(f"{{{c.DS}}}Signature", {"Id": "placeholder"}, nsmap={"ds": c.DS})
    parent.insert(index, placeholder)


def _optional(**attrs: str | None) -> dict[str, str]:
    return {name: value for name, value in attrs.items() if value}


def build_assertion(data: ResponseInput) -> etree._Element:
    """The unsigned <saml:Assertion>, with a signature placeholder right after its Issuer."""
    issued = saml_time(data.issued_at)
    not_on_or_after = saml_time(data.issued_at + data.lifetime)
    assertion = etree.Element(
        f"{{{c.SAML}}}Assertion",
        {"ID": data.assertion_id, "Version": "2.0", "IssueInstant": issued},
        nsmap=c.NSMAP_ASSERTION,
    )
    _sub(assertion, c.SAML, "Issuer", data.idp_entity_id)
    _signature_placeholder(assertion, 1)

    subject = _sub(assertion, c.SAML, "Subject")
    _sub(
        subject,
        c.SAML,
        "NameID",
        data.name_id,
        Format=c.NAMEID_PERSISTENT,
        NameQualifier=data.idp_entity_id,
        SPNameQualifier=data.sp_entity_id,
    )
    confirmation = _sub(subject, c.SAML, "SubjectConfirmation", Method=c.CM_BEARER)
    _sub(
        confirmation,
        c.SAML,
        "SubjectConfirmationData",
        **_optional(InResponseTo=data.in_response_to, NotOnOrAfter=not_on_or_after, Recipient=data.acs_url),
    )

    conditions = _sub(
        assertion,
        c.SAML,
        "Conditions",
        NotBefore=saml_time(data.issued_at - CLOCK_SKEW),
        NotOnOrAfter=not_on_or_after,
    )
    restriction = _sub(conditions, c.SAML, "AudienceRestriction")
    _sub(restriction, c.SAML, "Audience", data.sp_entity_id)

    statement = _sub(
        assertion,
        c.SAML,
        "AuthnStatement",
        AuthnInstant=saml_time(data.authn_instant),
        SessionIndex=data.session_index,
    )
    context = _sub(statement, c.SAML, "AuthnContext")
    _sub(context, c.SAML, "AuthnContextClassRef", c.AUTHN_CONTEXT_UNSPECIFIED)

    if data.attributes:
        attribute_statement = _sub(assertion, c.SAML, "AttributeStatement")
        for attribute in data.attributes:
            element = _sub(
                attribute_statement,
                c.SAML,
                "Attribute",
                Name=attribute.name,
                NameFormat=c.ATTRNAME_FORMAT_BASIC,
                FriendlyName=attribute.name,
            )
            for value in attribute.values:
                _sub(element, c.SAML, "AttributeValue", value, **{f"{{{c.XSI}}}type": "xs:string"})
    return assertion


def _response_envelope(
    *,
    response_id: str,
    issued_at: dt.datetime,
    acs_url: str,
    in_response_to: str | None,
    idp_entity_id: str,
    status: tuple[str, ...],
) -> etree._Element:
    attributes = {
        "ID": response_id,
        "Version": "2.0",
        "IssueInstant": saml_time(issued_at),
        "Destination": acs_url,
        **_optional(InResponseTo=in_response_to),
    }
    response = etree.Element(f"{{{c.SAMLP}}}Response", attributes, nsmap=c.NSMAP_PROTOCOL)
    _sub(response, c.SAML, "Issuer", idp_entity_id)
    parent = _sub(response, c.SAMLP, "Status")
    for code in status:  # top-level code, then nested second-level codes
        parent = _sub(parent, c.SAMLP, "StatusCode", Value=code)
    return response


def build_response(data: ResponseInput) -> etree._Element:
    """The unsigned <samlp:Response> with its assertion."""
    response = _response_envelope(
        response_id=data.response_id,
        issued_at=data.issued_at,
        acs_url=data.acs_url,
        in_response_to=data.in_response_to,
        idp_entity_id=data.idp_entity_id,
        status=(c.STATUS_SUCCESS,),
    )
    response.append(build_assertion(data))
    return response


def issue_no_passive_response(
    *,
    idp_entity_id: str,
    acs_url: str,
    in_response_to: str,
    issued_at: dt.datetime,
    credentials: SigningCredentials,
) -> bytes:
    """A signed answer without assertion for IsPassive requests of people who are not signed in."""
    response = _response_envelope(
        response_id=new_id(),
        issued_at=issued_at,
        acs_url=acs_url,
        in_response_to=in_response_to,
        idp_entity_id=idp_entity_id,
        status=(c.STATUS_RESPONDER, c.STATUS_NO_PASSIVE),
    )
    _signature_placeholder(response, 1)
    _sign(response, credentials)
    return etree.tostring(response, xml_declaration=True, encoding="UTF-8")


DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


def _c14n(element: etree._Element) -> bytes:
    """Exclusive XML canonicalisation 1.0 without comments of `element` where it stands."""
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def _ds(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    return _sub(parent, c.DS, tag, text, **attrs)


def _sign(element: etree._Element, credentials: SigningCredentials) -> None:
    """Replace the signature placeholder of `element` by its enveloped signature (reference
    `#<its ID>`, the certificate in KeyInfo)."""
    placeholder = element.find(f"{{{c.DS}}}Signature")
    if placeholder is None or placeholder.get("Id") != "placeholder":
        raise ValueError("no signature placeholder")
    index = element.index(placeholder)
    element.remove(placeholder)
    digest = base64.b64encode(hashlib.sha256(_c14n(element)).digest()).decode("ascii")
    signature = etree.Element(f"{{{c.DS}}}Signature", nsmap={"ds": c.DS})
    signed_info = _ds(signature, "SignedInfo")
    _ds(signed_info, "CanonicalizationMethod", Algorithm=c.C14N_EXCLUSIVE)
    _ds(signed_info, "SignatureMethod", Algorithm=c.SIGALG_RSA_SHA256)
    reference = _ds(signed_info, "Reference", URI=f"#{element.get('ID') or ''}")
    transforms = _ds(reference, "Transforms")
    _ds(transforms, "Transform", Algorithm=ENVELOPED_SIGNATURE)
    _ds(transforms, "Transform", Algorithm=c.C14N_EXCLUSIVE)
    _ds(reference, "DigestMethod", Algorithm=DIGEST_SHA256)
    _ds(reference, "DigestValue", digest)
    value = _ds(signature, "SignatureValue")
    x509_data = _ds(_ds(signature, "KeyInfo"), "X509Data")
    _ds(x509_data, "X509Certificate", credentials.certificate_base64)
    element.insert(index, signature)  # SignedInfo is canonicalised as a verifier sees it: in place
    signed = credentials.key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    value.text = base64.b64encode(signed).decode("ascii")


def sign_response(
    response: etree._Element, credentials: SigningCredentials, *, sign_response: bool = False
) -> bytes:
    """Sign the assertion (always) and then the whole response (if asked); return XML bytes."""
    assertion = response.find(f"{{{c.SAML}}}Assertion")
    if assertion is None:
        raise ValueError("response without assertion")
    _sign(assertion, credentials)
    if sign_response:
        _signature_placeholder(response, 1)
        _sign(response, credentials)
    return etree.tostring(response, xml_declaration=True, encoding="UTF-8")


def issue_response(
    data: ResponseInput, credentials: SigningCredentials, *, sign_whole_response: bool = False
) -> bytes:
    return sign_response(build_response(data), credentials, sign_response=sign_whole_response)


def encode_for_post(xml: bytes) -> str:
    """The SAMLResponse form value of the HTTP-POST binding."""
    return base64.b64encode(xml).decode("ascii")
