"""The start-up checks (core.checks): every missing or malformed setting is an error with its own id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.checks import CheckMessage
from django.test import override_settings

from klaspoort.core import checks
from klaspoort.federation.saml.keys import make_self_signed_pem

GOOD_SECRETS = {
    "SECRET_KEY": "s" * 40,
    "PSEUDONYM_SECRET": "p" * 40,
    "FEDERATION_SECRET": "f" * 40,
    "TWOFACTOR_KEY": "t" * 40,
    "CHALLENGE_HMAC_KEY": "c" * 40,
}
PRODUCTION: dict[str, Any] = {
    "DEVELOPMENT": False,
    "BASE_URL": "https://login.school.example",
    "ALLOWED_HOSTS": ["login.school.example"],
}


def found(messages: list[CheckMessage]) -> list[tuple[str, str]]:
    return [(message.id or "", message.msg) for message in messages]


@override_settings(**PRODUCTION, **GOOD_SECRETS)
def test_good_secrets_pass() -> None:
    assert checks.check_secrets() == []


@pytest.mark.parametrize(
    ("setting", "variable", "check_id"),
    [
        ("SECRET_KEY", "SECRET_KEY", "klaspoort.E001"),
        ("PSEUDONYM_SECRET", "KLASPOORT_PSEUDONYM_SECRET", "klaspoort.E002"),
        ("FEDERATION_SECRET", "KLASPOORT_FEDERATION_SECRET", "klaspoort.E003"),
        ("TWOFACTOR_KEY", "KLASPOORT_TWOFACTOR_KEY", "klaspoort.E004"),
        ("CHALLENGE_HMAC_KEY", "KLASPOORT_CHALLENGE_HMAC_KEY", "klaspoort.E005"),
    ],
)
def test_each_secret_missing_or_short(setting: str, variable: str, check_id: str) -> None:
    with override_settings(**PRODUCTION, **{**GOOD_SECRETS, setting: ""}):
        assert found(checks.check_secrets()) == [(check_id, f"{variable} is not set.")]
    with override_settings(**PRODUCTION, **{**GOOD_SECRETS, setting: "x" * 31}):
        assert found(checks.check_secrets()) == [
            (check_id, f"{variable} is 31 bytes long; it needs at least 32.")
        ]


@override_settings(**PRODUCTION, **{**GOOD_SECRETS, "TWOFACTOR_KEY": "p" * 40})
def test_a_secret_used_twice() -> None:
    assert found(checks.check_secrets()) == [
        (
            "klaspoort.E008",
            "KLASPOORT_TWOFACTOR_KEY has the same value as KLASPOORT_PSEUDONYM_SECRET; every secret needs its own.",
        )
    ]


def test_pupil_code_keys() -> None:
    good = Fernet.generate_key().decode()
    with override_settings(PUPIL_CODE_KEYS=[good, good[:-4]]):
        assert found(checks.check_pupil_code_keys()) == [
            (
                "klaspoort.E007",
                "Key 2 in KLASPOORT_PUPIL_CODE_KEY is not a Fernet key (32 url-safe base64-encoded bytes).",
            )
        ]
    with override_settings(PUPIL_CODE_KEYS=[]):
        assert found(checks.check_pupil_code_keys()) == [
            ("klaspoort.E006", "KLASPOORT_PUPIL_CODE_KEY is not set.")
        ]
    with override_settings(PUPIL_CODE_KEYS=[good]):
        assert checks.check_pupil_code_keys() == []


def _pem_pair(tmp_path: Path, name: str, pem: bytes) -> tuple[str, str]:
    key_end = pem.index(b"-----END PRIVATE KEY-----") + len(b"-----END PRIVATE KEY-----\n")
    key_file, cert_file = tmp_path / f"{name}.key", tmp_path / f"{name}.crt"
    key_file.write_bytes(pem[:key_end])
    cert_file.write_bytes(pem[key_end:])
    return str(key_file), str(cert_file)


def _certificate(key: Any, *, days: int = 365) -> bytes:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def saml(key_file: str = "", cert_file: str = "") -> list[tuple[str, str]]:
    with override_settings(**PRODUCTION, SAML_KEY_FILE=key_file, SAML_CERT_FILE=cert_file):
        return found(checks.check_saml_key_pair())


def test_saml_pair_that_matches_passes(tmp_path: Path) -> None:
    assert saml(*_pem_pair(tmp_path, "idp", make_self_signed_pem("idp"))) == []


def test_saml_files_missing_one_or_both(tmp_path: Path) -> None:
    key_file, cert_file = _pem_pair(tmp_path, "idp", make_self_signed_pem("idp"))
    assert saml() == [("klaspoort.E010", "KLASPOORT_SAML_KEY_FILE and KLASPOORT_SAML_CERT_FILE are not set.")]
    assert saml(key_file=key_file) == [
        ("klaspoort.E010", "KLASPOORT_SAML_CERT_FILE is not set; the SAML key and certificate go together.")
    ]
    with override_settings(DEVELOPMENT=True, SAML_KEY_FILE="", SAML_CERT_FILE=""):
        assert checks.check_saml_key_pair() == []  # development makes its own pair under var/
    missing = str(tmp_path / "nowhere.crt")
    assert saml(key_file, missing) == [
        ("klaspoort.E011", f"KLASPOORT_SAML_CERT_FILE ({missing}) cannot be read: No such file or directory.")
    ]
    assert saml(cert_file, cert_file) == [
        ("klaspoort.E011", f"KLASPOORT_SAML_KEY_FILE ({cert_file}) is not an unencrypted PEM private key.")
    ]


def test_saml_key_must_be_rsa_of_2048_bits_and_match_the_certificate(tmp_path: Path) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (on purpose)
    (tmp_path / "small.key").write_bytes(_key_pem(small))
    (tmp_path / "small.crt").write_bytes(_certificate(small))
    assert saml(str(tmp_path / "small.key"), str(tmp_path / "small.crt")) == [
        (
            "klaspoort.E012",
            f"KLASPOORT_SAML_KEY_FILE ({tmp_path / 'small.key'}) is an RSA key of 1024 bits; at least 2048 are needed.",
        )
    ]
    curve = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.key").write_bytes(_key_pem(curve))
    assert saml(str(tmp_path / "ec.key"), str(tmp_path / "small.crt"))[0] == (
        "klaspoort.E012",
        f"KLASPOORT_SAML_KEY_FILE ({tmp_path / 'ec.key'}) is not an RSA key.",
    )
    key_a, _ = _pem_pair(tmp_path, "a", make_self_signed_pem("a"))
    _, cert_b = _pem_pair(tmp_path, "b", make_self_signed_pem("b"))
    assert saml(key_a, cert_b) == [
        ("klaspoort.E013", f"KLASPOORT_SAML_CERT_FILE ({cert_b}) does not belong to the key.")
    ]


def test_saml_certificate_about_to_expire_warns(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "idp.key").write_bytes(_key_pem(key))
    (tmp_path / "idp.crt").write_bytes(_certificate(key, days=10))
    [(check_id, message)] = saml(str(tmp_path / "idp.key"), str(tmp_path / "idp.crt"))
    assert check_id == "klaspoort.W001"
    assert message.startswith(f"The SAML certificate ({tmp_path / 'idp.crt'}) expires on ")


@pytest.mark.parametrize(
    ("base_url", "hosts", "expected"),
    [
        ("https://login.school.example", ["login.school.example"], []),
        ("https://login.school.example", [".school.example"], []),
        ("", ["login.school.example"], [("klaspoort.E020", "KLASPOORT_BASE_URL is not set.")]),
        (
            "http://login.school.example",
            ["login.school.example"],
            [
                (
                    "klaspoort.E021",
                    "KLASPOORT_BASE_URL (http://login.school.example) must start with https:// outside development.",
                )
            ],
        ),
        (
            "login.school.example",
            ["login.school.example"],
            [
                (
                    "klaspoort.E021",
                    "KLASPOORT_BASE_URL (login.school.example) is not an address like https://login.example.nl.",
                )
            ],
        ),
        ("https://login.school.example", [], [("klaspoort.E022", "KLASPOORT_ALLOWED_HOSTS is not set.")]),
        (
            "https://login.school.example",
            ["other.example"],
            [
                (
                    "klaspoort.E023",
                    "KLASPOORT_ALLOWED_HOSTS (other.example) does not contain login.school.example, the host of "
                    "KLASPOORT_BASE_URL.",
                )
            ],
        ),
    ],
)
def test_public_address(base_url: str, hosts: list[str], expected: list[tuple[str, str]]) -> None:
    with override_settings(DEVELOPMENT=False, BASE_URL=base_url, ALLOWED_HOSTS=hosts):
        assert found(checks.check_public_address()) == expected


@override_settings(
    DEVELOPMENT=True, BASE_URL="http://127.0.0.1:8800", ALLOWED_HOSTS=["localhost", "127.0.0.1"]
)
def test_development_may_use_http_and_localhost() -> None:
    assert checks.check_public_address() == []


def test_embedded_state_warnings() -> None:
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/klaspoort.sqlite3"}
    with (
        mock.patch.dict(settings.DATABASES["default"], sqlite),
        override_settings(DEVELOPMENT=False, EMAIL_HOST="", EMAIL_FILE_PATH="/srv/mail"),
    ):
        assert found(checks.check_embedded_state()) == [
            (
                "klaspoort.W002",
                "The database is an SQLite file (/srv/klaspoort.sqlite3), which web workers on several "
                "machines cannot share.",
            ),
            ("klaspoort.W003", "KLASPOORT_EMAIL_HOST is not set: mails become files under /srv/mail."),
        ]
        with override_settings(DEVELOPMENT=True):
            assert checks.check_embedded_state() == []
    postgres = {"ENGINE": "django.db.backends.postgresql"}
    with (
        mock.patch.dict(settings.DATABASES["default"], postgres),
        override_settings(DEVELOPMENT=False, EMAIL_HOST="smtp.school.example"),
    ):
        assert checks.check_embedded_state() == []
