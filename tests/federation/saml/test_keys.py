from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from klaspoort.federation.saml.keys import _load, make_self_signed_pem, signing_credentials


def test_development_pair_is_made_once_and_reused(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.SAML_KEY_FILE = settings.SAML_CERT_FILE = ""
    first = signing_credentials()
    pem = tmp_path / "saml" / "idp.pem"
    assert pem.exists()
    assert oct(pem.stat().st_mode & 0o777) == "0o600"
    _load.cache_clear()
    again = signing_credentials()
    assert again.certificate_pem == first.certificate_pem
    assert first.key.key_size == 2048
    assert [p.name for p in (tmp_path / "saml").iterdir()] == ["idp.pem"]  # no temporary files left


def test_files_from_the_environment(settings, tmp_path: Path) -> None:
    pem = make_self_signed_pem("production IdP")
    split = pem.index(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "key.pem").write_bytes(pem[:split])
    (tmp_path / "cert.pem").write_bytes(pem[split:])
    settings.SAML_KEY_FILE = str(tmp_path / "key.pem")
    settings.SAML_CERT_FILE = str(tmp_path / "cert.pem")
    credentials = signing_credentials()
    assert credentials.certificate_pem.encode() == pem[split:]
    assert not (tmp_path / "saml").exists()


def test_mismatched_pair_is_refused(settings, tmp_path: Path) -> None:
    one, other = make_self_signed_pem("one"), make_self_signed_pem("other")
    (tmp_path / "key.pem").write_bytes(one[: one.index(b"-----BEGIN CERTIFICATE-----")])
    (tmp_path / "cert.pem").write_bytes(other[other.index(b"-----BEGIN CERTIFICATE-----") :])
    settings.SAML_KEY_FILE = str(tmp_path / "key.pem")
    settings.SAML_CERT_FILE = str(tmp_path / "cert.pem")
    with pytest.raises(ImproperlyConfigured, match="does not belong"):
        signing_credentials()


def test_only_one_file_is_refused(settings, tmp_path: Path) -> None:
    settings.SAML_KEY_FILE = str(tmp_path / "key.pem")
    settings.SAML_CERT_FILE = ""
    with pytest.raises(ImproperlyConfigured, match="both"):
        signing_credentials()


def test_production_without_files_is_refused(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "production"
    settings.SAML_KEY_FILE = settings.SAML_CERT_FILE = ""
    settings.DEVELOPMENT = False
    with pytest.raises(ImproperlyConfigured, match="production"):
        signing_credentials()
    assert not os.path.exists(tmp_path / "production")
