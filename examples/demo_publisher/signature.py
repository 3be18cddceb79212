"""SAML signature checks for pysaml2 without the xmlsec1 program: signxml (lxml + cryptography).

pysaml2 hands its crypto backend the whole document, the signer's certificate from the platform's
metadata (a PEM file) and the ID of the element that must be signed. We verify that the element
with exactly that ID carries a valid enveloped signature by that certificate, as xmlsec1's
`--verify --id-attr:ID` does; pysaml2 itself checks the rest (audience, destination, times).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from saml2.sigver import CryptoBackend
from signxml import InvalidInput, InvalidSignature, XMLVerifier

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class SignxmlBackend(CryptoBackend):
    @property
    def version(self) -> str:
        import signxml

        return str(getattr(signxml, "__version__", "0.0.0"))

    def validate_signature(
        self, signedtext: str | bytes, cert_file: str, cert_type: str, node_name: str, node_id: str
    ) -> bool:
        if cert_type != "pem" or not node_id:
            return False
        data = signedtext.encode() if isinstance(signedtext, str) else signedtext
        root = etree.fromstring(data, parser=_PARSER)
        nodes = [node for node in root.iter() if node.get("ID") == node_id]
        if len(nodes) != 1:
            return False  # a duplicated ID is a signature-wrapping attempt
        try:
            certificate = Path(cert_file).read_text()
            result = XMLVerifier().verify(nodes[0], x509_cert=certificate, expect_references=1)
        except (InvalidSignature, InvalidInput):
            return False
        signed = result.signed_xml
        return signed is not None and signed.get("ID") == node_id
