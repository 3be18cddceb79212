"""The IdP's signing key and certificate.

Production: `KLASPOORT_SAML_KEY_FILE` and `KLASPOORT_SAML_CERT_FILE` (PEM). Development and tests:
a self-signed RSA-2048 certificate made once with `cryptography` and kept in `var/saml/idp.pem`
(key and certificate in one file, written atomically, so parallel workers can never pair one
worker's key with another worker's certificate).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from klaspoort.core.keypair import KeyPairError, load_key_pair

DEV_PEM_NAME = "idp.pem"


@dataclass(frozen=True)
class SigningCredentials:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    certificate_pem: str

    @functools.cached_property
    def certificate_base64(self) -> str:
        """DER certificate in base64, as it appears in <ds:X509Certificate> (of every response)."""
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")


def signing_credentials() -> SigningCredentials:
    """The configured key pair; read once per process."""
    return _load(settings.SAML_KEY_FILE, settings.SAML_CERT_FILE, str(settings.VAR_DIR))


@functools.lru_cache(maxsize=4)
def _load(key_file: str, cert_file: str, var_dir: str) -> SigningCredentials:
    if key_file or cert_file:
        if not (key_file and cert_file):
            raise ImproperlyConfigured(
                "Set both KLASPOORT_SAML_KEY_FILE and KLASPOORT_SAML_CERT_FILE (or neither in development)."
            )
        return _from_pem(Path(key_file).read_bytes(), Path(cert_file).read_bytes())
    if not settings.DEVELOPMENT:
        raise ImproperlyConfigured(
            "The SAML IdP needs KLASPOORT_SAML_KEY_FILE and KLASPOORT_SAML_CERT_FILE in production."
        )
    pem = _development_pem(Path(var_dir) / "saml")
    return _from_pem(pem, pem)


def _from_pem(key_pem: bytes, cert_pem: bytes) -> SigningCredentials:
    try:
        pair = load_key_pair(key_pem, cert_pem)
    except KeyPairError as exc:
        raise ImproperlyConfigured(f"SAML signing: {exc}") from None
    return SigningCredentials(
        key=pair.key,
        certificate=pair.certificate,
        certificate_pem=pair.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def _development_pem(directory: Path) -> bytes:
    target = directory / DEV_PEM_NAME
    if target.exists():
        return target.read_bytes()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".{DEV_PEM_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(make_self_signed_pem("klaspoort SAML IdP (development)"))
    try:
        os.link(temporary, target)  # fails if another process got there first; theirs wins
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return target.read_bytes()


def make_self_signed_pem(common_name: str, *, days: int = 3650) -> bytes:
    """A new RSA-2048 key and a self-signed certificate for it, both PEM, key first."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem + certificate.public_bytes(serialization.Encoding.PEM)
