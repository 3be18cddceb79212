"""An RSA signing key and its certificate, from PEM: loaded and checked against each other.

One rule for the SAML IdP's key pair, used by the start-up checks (core.checks) and by the IdP
itself (federation.saml.keys): an RSA key of at least MIN_RSA_BITS bits, and a certificate whose
public key is that key's.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

MIN_RSA_BITS = 2048


class KeyPairError(ValueError):
    """The key or the certificate (`part`) is unusable; `reason` completes "the key/certificate …".

    `kind` is "format" (not PEM of the right type), "strength" (not RSA, too short) or "pair"."""

    def __init__(self, part: str, kind: str, reason: str) -> None:
        super().__init__(f"The {part} {reason}.")
        self.part = part
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def load_key_pair(key_pem: bytes, cert_pem: bytes) -> KeyPair:
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyPairError("key", "format", "is not an unencrypted PEM private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyPairError("key", "strength", "is not an RSA key")
    if key.key_size < MIN_RSA_BITS:
        raise KeyPairError(
            "key", "strength", f"is an RSA key of {key.key_size} bits; at least {MIN_RSA_BITS} are needed"
        )
    try:
        certificate = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as exc:
        raise KeyPairError("certificate", "format", "is not a PEM X.509 certificate") from exc
    if certificate.public_key() != key.public_key():
        raise KeyPairError("certificate", "pair", "does not belong to the key")
    return KeyPair(key, certificate)
