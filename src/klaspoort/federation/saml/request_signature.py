"""Signatures on AuthnRequests from SPs that registered a signing certificate.

HTTP-Redirect binding (SAML bindings 3.4.4.1): the signature covers the URL-encoded query octets
`SAMLRequest=…&RelayState=…&SigAlg=…` exactly as received, so the raw query string is used.
HTTP-POST binding: an enveloped XML signature on the request, verified with signxml; only the XML
that signxml reports as signed is trusted afterwards.
"""

from __future__ import annotations

import base64
import binascii
import functools
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.translation import gettext_lazy as _
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import SignatureMethod
from signxml.exceptions import InvalidInput
from signxml.exceptions import InvalidSignature as XmlInvalidSignature

from klaspoort.federation.saml import constants as c
from klaspoort.federation.saml.request_parser import SamlRequestError

BAD_SIGNATURE_MESSAGE = _(
    "Het inlogverzoek van de software is niet correct ondertekend. Er is niets verstuurd. Meld dit aan "
    "de leverancier van de software."
)
UNSIGNED_MESSAGE = _(
    "Deze software moet haar inlogverzoeken ondertekenen, maar dit verzoek is niet ondertekend. Er is "
    "niets verstuurd. Meld dit aan de leverancier van de software."
)

_HASHES: dict[str, hashes.HashAlgorithm] = {
    c.SIGALG_RSA_SHA256: hashes.SHA256(),
    c.SIGALG_RSA_SHA384: hashes.SHA384(),
    c.SIGALG_RSA_SHA512: hashes.SHA512(),
    c.SIGALG_ECDSA_SHA256: hashes.SHA256(),
    c.SIGALG_ECDSA_SHA384: hashes.SHA384(),
    c.SIGALG_ECDSA_SHA512: hashes.SHA512(),
}
_XML_SIGNATURE_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
_SIGNED_PARAMETERS = ("SAMLRequest", "RelayState", "SigAlg")


def raw_query_parameters(query_string: str) -> dict[str, str]:
    """Still URL-encoded values of the query string; a repeated parameter is refused."""
    raw: dict[str, str] = {}
    for part in query_string.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote_plus(name)
        if name in raw:
            raise SamlRequestError("duplicate_parameter", BAD_SIGNATURE_MESSAGE)
        raw[name] = value
    return raw


def _certificate(pem: str) -> x509.Certificate:
    """The SP's registered certificate, parsed once per process and PEM text (a changed
    registration is another text, so it takes effect at once; a bad one is refused every time)."""
    try:
        return _parsed_certificate(pem)
    except ValueError:
        raise SamlRequestError("certificate", BAD_SIGNATURE_MESSAGE) from None


@functools.lru_cache(maxsize=256)
def _parsed_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def verify_redirect_signature(query_string: str, certificate_pem: str) -> None:
    """Check SigAlg/Signature of an HTTP-Redirect request; raise SamlRequestError when wrong or absent."""
    raw = raw_query_parameters(query_string)
    if "Signature" not in raw or "SigAlg" not in raw:
        raise SamlRequestError("unsigned", UNSIGNED_MESSAGE)
    algorithm = unquote_plus(raw["SigAlg"])
    hash_algorithm = _HASHES.get(algorithm)
    if hash_algorithm is None:
        raise SamlRequestError("sigalg", BAD_SIGNATURE_MESSAGE)
    signed = "&".join(f"{name}={raw[name]}" for name in _SIGNED_PARAMETERS if name in raw).encode("ascii")
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise SamlRequestError("signature", BAD_SIGNATURE_MESSAGE) from None
    public_key = _certificate(certificate_pem).public_key()
    family = algorithm.rpartition("#")[2].split("-")[0]
    try:
        if family == "rsa" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, signed, padding.PKCS1v15(), hash_algorithm)
        elif family == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, signed, ec.ECDSA(hash_algorithm))
        else:
            raise SamlRequestError("sigalg", BAD_SIGNATURE_MESSAGE)
    except InvalidSignature:
        raise SamlRequestError("signature", BAD_SIGNATURE_MESSAGE) from None


def has_xml_signature(root: etree._Element) -> bool:
    return root.find(f"{{{c.DS}}}Signature") is not None


def verify_xml_signature(root: etree._Element, certificate_pem: str) -> etree._Element:
    """Verify the enveloped signature of a POSTed request; return the signed root element only."""
    if not has_xml_signature(root):
        raise SamlRequestError("unsigned", UNSIGNED_MESSAGE)
    config = SignatureConfiguration(
        location="./", expect_references=1, signature_methods=_XML_SIGNATURE_METHODS
    )
    try:
        result = XMLVerifier().verify(root, x509_cert=_certificate(certificate_pem), expect_config=config)
    except (XmlInvalidSignature, InvalidInput):
        raise SamlRequestError("signature", BAD_SIGNATURE_MESSAGE) from None
    signed = result.signed_xml  # type: ignore[union-attr]
    if signed is None or signed.tag != root.tag or signed.get("ID") != root.get("ID"):
        raise SamlRequestError("signature", BAD_SIGNATURE_MESSAGE)
    return signed
