"""Production refuses to run half-configured: a system check per setting, each error with its own id.

They run with `klaspoort check --deploy` (exit status 1 on any error), with every management command
that checks, and when the WSGI application starts (core.startup). A development machine
(KLASPOORT_DEV=1) makes its own secrets under var/ and may use http and localhost; everywhere else
nothing is made up. docs/operations.md lists every variable with the command that generates it.

    klaspoort.E001-E005  a secret (SECRET_KEY, KLASPOORT_PSEUDONYM_SECRET, ...) missing or too short
    klaspoort.E006/E007  KLASPOORT_PUPIL_CODE_KEY missing / not a Fernet key
    klaspoort.E008       two secrets with the same value
    klaspoort.E010-E013  the SAML key and certificate: set, readable, RSA >= 2048 bits, a pair
    klaspoort.E020/E021  KLASPOORT_BASE_URL missing / not https
    klaspoort.E022/E023  KLASPOORT_ALLOWED_HOSTS missing / without the host of KLASPOORT_BASE_URL
    klaspoort.W001       the SAML certificate has expired or expires within 30 days
    klaspoort.W002       the database is an SQLite file (no DATABASE_URL)
    klaspoort.W003       no KLASPOORT_EMAIL_HOST: mails are written to files under var/mail/
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from klaspoort.core.keypair import KeyPairError, load_key_pair

MIN_SECRET_BYTES = 32
MAKE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105 (a command)
MAKE_FERNET_KEY = "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
MAKE_SAML_PAIR = (
    "openssl req -x509 -newkey rsa:3072 -nodes -days 1095 -subj '/CN=klaspoort SAML IdP' "
    "-keyout saml-key.pem -out saml-cert.pem"
)
GUIDE = "docs/operations.md"

# (setting, environment variable, id)
SECRETS = (
    ("SECRET_KEY", "SECRET_KEY", "klaspoort.E001"),
    ("PSEUDONYM_SECRET", "KLASPOORT_PSEUDONYM_SECRET", "klaspoort.E002"),
    ("FEDERATION_SECRET", "KLASPOORT_FEDERATION_SECRET", "klaspoort.E003"),
    ("TWOFACTOR_KEY", "KLASPOORT_TWOFACTOR_KEY", "klaspoort.E004"),
    ("CHALLENGE_HMAC_KEY", "KLASPOORT_CHALLENGE_HMAC_KEY", "klaspoort.E005"),
)


def _setting(name: str) -> str:
    try:
        return str(getattr(settings, name, "") or "")
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return ""


@register("klaspoort")
def check_secrets(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    seen: dict[str, str] = {}
    for name, variable, check_id in SECRETS:
        value = _setting(name)
        if not value:
            problems.append(Error(f"{variable} is not set.", hint=f"Generate it: {MAKE_SECRET}", id=check_id))
        elif len(value.encode()) < MIN_SECRET_BYTES:
            problems.append(
                Error(
                    f"{variable} is {len(value.encode())} bytes long; it needs at least {MIN_SECRET_BYTES}.",
                    hint=f"Generate it: {MAKE_SECRET}",
                    id=check_id,
                )
            )
        elif value in seen:
            problems.append(
                Error(
                    f"{variable} has the same value as {seen[value]}; every secret needs its own.",
                    hint=f"Generate a new one: {MAKE_SECRET}",
                    id="klaspoort.E008",
                )
            )
        else:
            seen[value] = variable
    return problems


@register("klaspoort")
def check_pupil_code_keys(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    keys = list(getattr(settings, "PUPIL_CODE_KEYS", []))
    if not keys:
        return [
            Error(
                "KLASPOORT_PUPIL_CODE_KEY is not set.",
                hint=f"Generate it: {MAKE_FERNET_KEY}",
                id="klaspoort.E006",
            )
        ]
    problems: list[CheckMessage] = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(
                Error(
                    f"Key {position} in KLASPOORT_PUPIL_CODE_KEY is not a Fernet key "
                    "(32 url-safe base64-encoded bytes).",
                    hint=f"Generate one: {MAKE_FERNET_KEY}",
                    id="klaspoort.E007",
                )
            )
    return problems


@register("klaspoort")
def check_saml_key_pair(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    key_file, cert_file = _setting("SAML_KEY_FILE"), _setting("SAML_CERT_FILE")
    if not key_file and not cert_file:
        if settings.DEVELOPMENT:
            return []  # a self-signed pair is made under var/saml/
        return [
            Error(
                "KLASPOORT_SAML_KEY_FILE and KLASPOORT_SAML_CERT_FILE are not set.",
                hint=f"Make a key and certificate: {MAKE_SAML_PAIR}",
                id="klaspoort.E010",
            )
        ]
    if not (key_file and cert_file):
        missing = "KLASPOORT_SAML_CERT_FILE" if key_file else "KLASPOORT_SAML_KEY_FILE"
        return [
            Error(f"{missing} is not set; the SAML key and certificate go together.", id="klaspoort.E010")
        ]
    files = {
        "key": ("KLASPOORT_SAML_KEY_FILE", key_file),
        "certificate": ("KLASPOORT_SAML_CERT_FILE", cert_file),
    }
    contents: dict[str, bytes] = {}
    problems: list[CheckMessage] = []
    for part, (variable, path) in files.items():
        try:
            contents[part] = Path(path).read_bytes()
        except OSError as exc:
            problems.append(
                Error(f"{variable} ({path}) cannot be read: {exc.strerror}.", id="klaspoort.E011")
            )
    if problems:
        return problems
    try:
        pair = load_key_pair(contents["key"], contents["certificate"])
    except KeyPairError as exc:
        variable, path = files[exc.part]
        check_id = {"format": "klaspoort.E011", "strength": "klaspoort.E012", "pair": "klaspoort.E013"}[
            exc.kind
        ]
        return [
            Error(
                f"{variable} ({path}) {exc.reason}.", hint=f"Make a new pair: {MAKE_SAML_PAIR}", id=check_id
            )
        ]
    expires = pair.certificate.not_valid_after_utc
    if expires - dt.datetime.now(dt.UTC) < dt.timedelta(days=30):
        return [
            Warning(
                f"The SAML certificate ({cert_file}) expires on {expires:%Y-%m-%d}.",
                hint="Publish a new certificate to the partners before it expires (docs/partners/saml.md).",
                id="klaspoort.W001",
            )
        ]
    return []


@register("klaspoort")
def check_public_address(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    base_url = _setting("BASE_URL")
    hosts = list(getattr(settings, "ALLOWED_HOSTS", []))
    problems: list[CheckMessage] = []
    parts = urlsplit(base_url)
    if not base_url:
        problems.append(
            Error(
                "KLASPOORT_BASE_URL is not set.",
                hint="The public address of this installation, e.g. KLASPOORT_BASE_URL=https://login.example.nl",
                id="klaspoort.E020",
            )
        )
    elif parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        problems.append(
            Error(
                f"KLASPOORT_BASE_URL ({base_url}) is not an address like https://login.example.nl.",
                id="klaspoort.E021",
            )
        )
    elif parts.scheme != "https" and not settings.DEVELOPMENT:
        problems.append(
            Error(
                f"KLASPOORT_BASE_URL ({base_url}) must start with https:// outside development.",
                id="klaspoort.E021",
            )
        )
    if not hosts:
        problems.append(
            Error(
                "KLASPOORT_ALLOWED_HOSTS is not set.",
                hint="The host names this installation answers to, comma-separated, e.g. login.example.nl",
                id="klaspoort.E022",
            )
        )
    elif parts.hostname and not settings.DEVELOPMENT and not _host_allowed(parts.hostname, hosts):
        problems.append(
            Error(
                f"KLASPOORT_ALLOWED_HOSTS ({','.join(hosts)}) does not contain {parts.hostname}, "
                "the host of KLASPOORT_BASE_URL.",
                id="klaspoort.E023",
            )
        )
    return problems


def _host_allowed(host: str, allowed: list[str]) -> bool:
    from django.http.request import validate_host

    return validate_host(host, allowed)


@register("klaspoort", deploy=True)
def check_embedded_state(app_configs: Any = None, **_: Any) -> list[CheckMessage]:
    """Warnings: a single-machine set-up that works, but is rarely what a real deployment wants."""
    if settings.DEVELOPMENT:
        return []
    problems: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                f"The database is an SQLite file ({settings.DATABASES['default']['NAME']}), which web "
                "workers on several machines cannot share.",
                hint=f"Use PostgreSQL: DATABASE_URL=postgres://... ({GUIDE})",
                id="klaspoort.W002",
            )
        )
    if not getattr(settings, "EMAIL_HOST", ""):
        problems.append(
            Warning(
                f"KLASPOORT_EMAIL_HOST is not set: mails become files under {settings.EMAIL_FILE_PATH}.",
                hint=f"Set the SMTP server ({GUIDE}).",
                id="klaspoort.W003",
            )
        )
    return problems
