"""The peer of `make bench-saml`: pysaml2's IdP (`Server.create_authn_response`) building and
signing the same response as klaspoort's build + sign (assertion signed with RSA-SHA256 and
SHA-256 digests, pysaml2's xmlsec1 backend; the same seven attributes and NameID), in-process on
one core. Prints the line `benchmarks/side_by_side.py` reads. Never asserts.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, xmldsig
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

IDP = "https://idp.example.nl/saml/metadata/"
SP = "https://sp.example.nl/saml/metadata/"
ACS = "https://sp.example.nl/saml/acs/"
ROUNDS = 200
IDENTITY = {
    "uid": ["a" * 64 + "@idp.example.nl"],
    "eduPersonAffiliation": ["student"],
    "nlEduPersonHomeOrganizationId": ["12AB"],
    "nlEduPersonHomeOrganizationBranchId": ["12AB01"],
    "nlEduPersonHomeOrganization": ["De Regenboog"],
    "givenName": ["Sem"],
    "sn": ["Vries"],
}


def key_pair(folder: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.example.nl")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def sp_metadata(cert_file: str) -> str:
    body = "".join(Path(cert_file).read_text().splitlines()[1:-1])
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{SP}">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location="{ACS}" index="0"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        key_file, cert_file = key_pair(Path(folder))
        metadata = Path(folder) / "sp.xml"
        metadata.write_text(sp_metadata(cert_file))
        config = IdPConfig()
        config.load(
            {
                "entityid": IDP,
                "key_file": key_file,
                "cert_file": cert_file,
                "metadata": {"local": [str(metadata)]},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(IDP.replace("metadata", "sso"), BINDING_HTTP_POST)]
                        },
                        "policy": {"default": {"attribute_restrictions": None, "lifetime": {"minutes": 5}}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "allow_unknown_attributes": True,
            }
        )
        server = Server(config=config)
        name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text="a" * 64)

        def one() -> str:
            return str(
                server.create_authn_response(
                    IDENTITY,
                    in_response_to="_r",
                    destination=ACS,
                    sp_entity_id=SP,
                    name_id=name_id,
                    sign_assertion=True,
                    sign_response=False,
                    sign_alg=xmldsig.SIG_RSA_SHA256,
                    digest_alg=xmldsig.DIGEST_SHA256,
                    authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
                )
            )

        if "SignatureValue" not in one():
            raise RuntimeError("pysaml2 did not sign the assertion")
        # Wall time, as saml_bench.py measures klaspoort's build + sign (xmlsec1 runs as a child process).
        start = time.perf_counter()
        for _ in range(ROUNDS):
            one()
        seconds = time.perf_counter() - start
    print("pysaml2 IdP (peer): create_authn_response with a signed assertion (xmlsec1)")
    print(f"  build + sign alone (in-process, one core): {ROUNDS / seconds:7.1f} responses/s")


if __name__ == "__main__":
    main()
