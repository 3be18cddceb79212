"""The one settings module. Everything that differs per deployment comes from the environment.

docs/operations.md lists every variable with how to make it; outside development (KLASPOORT_DEV=1)
the secrets, the SAML key pair, KLASPOORT_BASE_URL and KLASPOORT_ALLOWED_HOSTS are required and
checked before anything is served (core/checks.py). Environment variables:
    DATABASE_URL              database (default: SQLite file under var/)
    SECRET_KEY                Django secret (development: made once under var/)
    REDIS_URL                 shared cache/throttles/sessions (default: database cache); also the
                              Celery broker and result store unless KLASPOORT_BROKER_URL is set
    KLASPOORT_BROKER_URL      Celery broker (default: REDIS_URL; without either, background jobs run
                              eagerly in-process: the embedded default, see docs/operations.md)
    KLASPOORT_RESULT_BACKEND  Celery result store (default: the broker)
    KLASPOORT_MAIL_MAX_ATTEMPTS  tries of one queued mail before it is marked failed (default 8)
    KLASPOORT_LAS_NIGHT_WINDOW  when the nightly LAS syncs run, local time (default 01:00-05:00)
    KLASPOORT_LAS_PULL_TIMEOUT  seconds one pull from a LAS may take (default 30)
    KLASPOORT_LAS_MAX_ATTEMPTS  tries of a pull from an erring LAS before the run is failed (default 4)
    KLASPOORT_REGISTER_SOURCE path or http(s) URL of DUO's register file, imported monthly (job
                              register-import; default: none, the operator uploads it in the console)
    KLASPOORT_SIGNING_KEY_ROTATION_DAYS  age at which the daily job rotates the OIDC signing keys (90)
    KLASPOORT_AUDIT_RETENTION_DAYS, KLASPOORT_DISCLOSURE_RETENTION_DAYS, KLASPOORT_IMPORT_RETENTION_DAYS,
    KLASPOORT_MAIL_RETENTION_DAYS, KLASPOORT_JOB_RETENTION_DAYS   retention (730, 730, 400, 30, 90 days)
    KLASPOORT_DEBUG           "1" turns on Django's DEBUG (never in production)
    KLASPOORT_DEV             "1" marks a development machine: cookies without Secure, mail to files
    KLASPOORT_ALLOWED_HOSTS   comma-separated host names (development: localhost,127.0.0.1)
    KLASPOORT_VAR_DIR         where embedded state lives (default: <project>/var)
    KLASPOORT_EDEXML_MAX_BYTES  size limit of an EDEXML file (default: 50 MB)
    KLASPOORT_BASE_URL        public base URL used in mails and protocol metadata (https; development:
                              http://127.0.0.1:8000)
    KLASPOORT_SAML_KEY_FILE   PEM private key (RSA) that signs SAML assertions
    KLASPOORT_SAML_CERT_FILE  PEM certificate of that key, published in the SAML metadata
                              (both required in production; development makes a self-signed pair under var/)
    KLASPOORT_SAML_ENTITY_ID  SAML entity id of the IdP (default: <BASE_URL>/saml/metadata/)
    KLASPOORT_SAML_UID_REALM  realm of the Entree-style `uid` attribute, pseudonym@realm
                              (default: the host name of BASE_URL)
    KLASPOORT_EMAIL_HOST      SMTP server; without it mails are written as .eml files under var/mail/
    KLASPOORT_EMAIL_PORT      SMTP port (default 587)
    KLASPOORT_EMAIL_USER, KLASPOORT_EMAIL_PASSWORD   SMTP login (optional)
    KLASPOORT_EMAIL_TLS       "1" (default) STARTTLS; KLASPOORT_EMAIL_SSL "1" for implicit TLS instead
    KLASPOORT_FROM_EMAIL      sender of platform mails
    KLASPOORT_TRUSTED_PROXIES comma-separated proxy addresses/networks whose X-Forwarded-For is believed
                              (default none: the client address is the socket peer)
    KLASPOORT_STAFF_IDLE_MINUTES  staff sessions end after this long without a request (default 60)
    KLASPOORT_STAFF_SESSION_HOURS staff sessions end this long after login (default 10)
    KLASPOORT_HOME_SESSION_HOURS  home-login sessions (parent and child) end this long after login (default 4)
    KLASPOORT_CHALLENGE_HMAC_KEY  signs the login proof-of-work challenges (development: kept under var/)
    KLASPOORT_CHALLENGE_MAX_NUMBER  work of one challenge: the browser tries up to this many hashes
                              (default 100000, about a second)
    KLASPOORT_TWOFACTOR_KEY   encrypts two-factor (TOTP) secrets and keys recovery-code hashes
                              (development: kept under var/)
    KLASPOORT_LICENCE_TIMEOUT        seconds one publisher's licence answer may take (default 1.5)
    KLASPOORT_LICENCE_CACHE_SECONDS  how long a licence answer is fresh per user (default 60)
    KLASPOORT_LICENCE_STALE_SECONDS  how long it may still be shown when the publisher errs (default 900)
    KLASPOORT_PSEUDONYM_SECRET  key of the pairwise pseudonyms partners see (never change it once live;
                              development: made once under var/)
    KLASPOORT_FEDERATION_SECRET key for keyed hashes of client secrets and tokens and for encrypting
                              signing keys at rest (development: made once under var/)
    KLASPOORT_PUPIL_CODE_KEY  Fernet key(s) encrypting pupil PINs/picture passwords, comma-separated,
                              newest first (development: made once under var/)
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from pathlib import Path

import dj_database_url


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KLASPOORT_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = _env_flag("KLASPOORT_DEBUG")
DEVELOPMENT = _env_flag("KLASPOORT_DEV") or DEBUG
if DEVELOPMENT:
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# Secrets come from the environment. Only a development machine makes its own (once, under var/);
# anywhere else a missing one stays empty and the system checks refuse to start (core/checks.py:
# `klaspoort check --deploy`, and the WSGI application at start-up), so nothing is ever written.


def _development_secret(file_name: str) -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    secret_file = VAR_DIR / file_name
    try:
        fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another process may be writing it right now
        value = secret_file.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"{secret_file} is empty; delete it")


def _secret(env_name: str, file_name: str) -> str:
    from_env = os.environ.get(env_name, "").strip()
    if from_env or not DEVELOPMENT:
        return from_env
    return _development_secret(file_name)


SECRET_KEY = _secret("SECRET_KEY", "secret_key")
PSEUDONYM_SECRET = _secret("KLASPOORT_PSEUDONYM_SECRET", "pseudonym_secret")
FEDERATION_SECRET = _secret("KLASPOORT_FEDERATION_SECRET", "federation_secret")
CHALLENGE_HMAC_KEY = _secret("KLASPOORT_CHALLENGE_HMAC_KEY", "challenge_hmac_key")
CHALLENGE_MAX_NUMBER = int(os.environ.get("KLASPOORT_CHALLENGE_MAX_NUMBER", "100000"))
TWOFACTOR_KEY = _secret("KLASPOORT_TWOFACTOR_KEY", "twofactor_key")


def _pupil_code_keys() -> list[str]:
    """Pupil codes are encrypted, not hashed (teachers must see them): docs/security/pupil-codes.md."""
    keys = _env_list("KLASPOORT_PUPIL_CODE_KEY", "")
    if keys or not DEVELOPMENT:
        return keys
    seed = _development_secret("pupil_code_secret")
    return [base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode()]


PUPIL_CODE_KEYS = _pupil_code_keys()

ALLOWED_HOSTS = _env_list("KLASPOORT_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEVELOPMENT else "")
BASE_URL = os.environ.get("KLASPOORT_BASE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else "").rstrip("/")
# Behind the TLS proxy the workers see plain HTTP; a browser's forms come from the public https origin.
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "klaspoort.core",
    "klaspoort.audit",
    "klaspoort.registry",
    "klaspoort.roster",
    "klaspoort.accounts",
    "klaspoort.twofactor",
    "klaspoort.portal",
    "klaspoort.federation",
    "klaspoort.accounts.pupils",
    "klaspoort.classroom",
    "klaspoort.schooladmin",
    "klaspoort.accounts.home",
    "klaspoort.operator",
    "klaspoort.helpcentre",
    "klaspoort.laslink",
    "klaspoort.substitutes",
    "klaspoort.jobs",
]

MIDDLEWARE = [
    "klaspoort.core.request_id.RequestIdMiddleware",
    "klaspoort.core.head.HeadAsGetMiddleware",  # HEAD answered wherever GET is
    "klaspoort.core.proxy.TrustedForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "klaspoort.core.csp.ContentSecurityPolicyMiddleware",
    "klaspoort.core.machine_endpoints.MachineEndpointsMiddleware",  # token, userinfo: the short chain
    "klaspoort.core.bad_input.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klaspoort.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "klaspoort.core.messages.LazyMessageMiddleware",  # Django's, storage made on first use
    "klaspoort.accounts.middleware.StaffSessionGuard",
    "klaspoort.accounts.middleware.HomeAndPupilSessionGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Called by relying parties' servers only (client credentials, bearer tokens; no cookie, session or
# page): after the middleware above MachineEndpointsMiddleware, only these (core/machine_endpoints.py).
MACHINE_ENDPOINT_PATHS = ("/oidc/token/", "/oidc/userinfo/")
MACHINE_ENDPOINT_MIDDLEWARE = [
    "klaspoort.core.bad_input.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "klaspoort.urls"
CSRF_FAILURE_VIEW = "klaspoort.core.errors.csrf_failure"  # our own page, not Django's English one
WSGI_APPLICATION = "klaspoort.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klaspoort.schooladmin.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'klaspoort.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections stay open between requests (CONN_MAX_AGE 60, as for PostgreSQL): closing the last
    # connection to a WAL database checkpoints and syncs the file, which cost every request ~3 ms of
    # CPU and more wall time (make bench-login).
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue instead of failing; WAL lets readers continue during an import.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("KLASPOORT_CACHE_PREFIX", "klaspoort"),
        }
    }
else:
    CACHES = {
        "default": {
            # Django's database cache with one-statement writes and an atomic, expiry-keeping incr
            # (throttle counters). Writes never count or cull the table: expired rows go with the
            # purge-expired job and a bounded sweep in delete_many; live ones are never removed.
            # This is the embedded mode only: production needs Redis (REDIS_URL, check jobs.E001).
            "BACKEND": "klaspoort.core.cache.DatabaseCache",
            "LOCATION": "klaspoort_cache",  # made by the migration core 0001_cache_table
            "KEY_PREFIX": os.environ.get("KLASPOORT_CACHE_PREFIX", "klaspoort"),
        }
    }

AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = ["klaspoort.accounts.backends.AccountBackend"]
# Staff and parent accounts may share an email address; uniqueness is per (kind, email).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
LOGIN_URL = "/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "klaspoort.accounts.passwords.LengthValidator"},
    {"NAME": "klaspoort.accounts.passwords.LetterAndDigitValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "klaspoort.accounts.passwords.EmailNameValidator"},
]

# Argon2id 19 MiB / 2 passes / 1 lane first; other Argon2 parameters and PBKDF2 hashes are upgraded
# to it at the next successful login.
PASSWORD_HASHERS = [
    "klaspoort.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Database sessions indexed by account and school (accounts.AccountSession), so any worker can end a
# person's sessions ("sign out everywhere", staff removed by an import).
SESSION_ENGINE = "klaspoort.accounts.session_store"
STAFF_IDLE_TIMEOUT = int(os.environ.get("KLASPOORT_STAFF_IDLE_MINUTES", "60")) * 60
STAFF_SESSION_MAX_AGE = int(os.environ.get("KLASPOORT_STAFF_SESSION_HOURS", "10")) * 3600
HOME_SESSION_MAX_AGE = int(os.environ.get("KLASPOORT_HOME_SESSION_HOURS", "4")) * 3600
TRUSTED_PROXIES = _env_list("KLASPOORT_TRUSTED_PROXIES", "")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEVELOPMENT
SESSION_COOKIE_NAME = "klaspoort_session" if DEVELOPMENT else "__Host-klaspoort_session"
CSRF_COOKIE_SECURE = not DEVELOPMENT
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The visitor's language choice (the switch on every page) is kept for a year on this device.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEVELOPMENT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEVELOPMENT:
    SECURE_HSTS_SECONDS = 31536000
# Behind the TLS proxy, requests are secure when it says so (core.proxy believes the header only
# from KLASPOORT_TRUSTED_PROXIES): HSTS is sent and http:// redirect targets are refused.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
# Each app keeps its own catalogue in <app>/locale/ (found through INSTALLED_APPS; see docs/style.md).
LOCALE_PATHS: list[str] = []
# Dates, times and numbers per language, 24-hour clock in both (klaspoort/core/formats/<lang>/).
FORMAT_MODULE_PATH = ["klaspoort.core.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

SAML_KEY_FILE = os.environ.get("KLASPOORT_SAML_KEY_FILE", "")
SAML_CERT_FILE = os.environ.get("KLASPOORT_SAML_CERT_FILE", "")
SAML_ENTITY_ID = os.environ.get("KLASPOORT_SAML_ENTITY_ID", "")
SAML_UID_REALM = os.environ.get("KLASPOORT_SAML_UID_REALM", "")
EMAIL_HOST = os.environ.get("KLASPOORT_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("KLASPOORT_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("KLASPOORT_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KLASPOORT_EMAIL_PASSWORD", "")
    EMAIL_USE_SSL = _env_flag("KLASPOORT_EMAIL_SSL")
    EMAIL_USE_TLS = _env_flag("KLASPOORT_EMAIL_TLS", default=True) and not EMAIL_USE_SSL
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "klaspoort.accounts.mail_backend.EmlFileBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("KLASPOORT_FROM_EMAIL", "klaspoort <noreply@localhost>")

# Background jobs (klaspoort/celery.py, docs/operations.md). Without a broker every task runs at once
# in the process that queues it ("eager"): `make demo` and a single machine need no Redis.
CELERY_BROKER_URL = os.environ.get("KLASPOORT_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("KLASPOORT_RESULT_BACKEND") or CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("KLASPOORT_CELERY_QUEUE", "klaspoort")
MAIL_MAX_ATTEMPTS = int(os.environ.get("KLASPOORT_MAIL_MAX_ATTEMPTS", "8"))
# The automatic LAS link: nightly window (local time), pull timeout, tries of an erring LAS.
LAS_NIGHT_WINDOW = os.environ.get("KLASPOORT_LAS_NIGHT_WINDOW", "01:00-05:00")
LAS_PULL_TIMEOUT = float(os.environ.get("KLASPOORT_LAS_PULL_TIMEOUT", "30"))
LAS_MAX_ATTEMPTS = int(os.environ.get("KLASPOORT_LAS_MAX_ATTEMPTS", "4"))
# The official register of school locations, imported monthly (registry/scheduled.py).
REGISTER_SOURCE = os.environ.get("KLASPOORT_REGISTER_SOURCE", "").strip()
SIGNING_KEY_ROTATION_DAYS = int(os.environ.get("KLASPOORT_SIGNING_KEY_ROTATION_DAYS", "90"))
# Retention in days (the reasons are in docs/operations.md, "Retention").
RETENTION_DAYS = {
    "audit": int(os.environ.get("KLASPOORT_AUDIT_RETENTION_DAYS", "730")),
    "disclosures": int(os.environ.get("KLASPOORT_DISCLOSURE_RETENTION_DAYS", "730")),
    "imports": int(os.environ.get("KLASPOORT_IMPORT_RETENTION_DAYS", "400")),
    "mails": int(os.environ.get("KLASPOORT_MAIL_RETENTION_DAYS", "30")),
    "jobs": int(os.environ.get("KLASPOORT_JOB_RETENTION_DAYS", "90")),
}

EDEXML_MAX_BYTES = int(os.environ.get("KLASPOORT_EDEXML_MAX_BYTES", str(50 * 1024 * 1024)))

# Portal: real-time licence look-ups (D2). Plain http to loopback publishers only in development.
PORTAL_LICENCE_TIMEOUT = float(os.environ.get("KLASPOORT_LICENCE_TIMEOUT", "1.5"))
PORTAL_LICENCE_CACHE_SECONDS = float(os.environ.get("KLASPOORT_LICENCE_CACHE_SECONDS", "60"))
PORTAL_LICENCE_STALE_SECONDS = float(os.environ.get("KLASPOORT_LICENCE_STALE_SECONDS", "900"))
PORTAL_LICENCE_MAX_BYTES = 256 * 1024
PORTAL_LICENCE_MAX_PRODUCTS = 200
PORTAL_BREAKER_FAILURES = 3
PORTAL_BREAKER_OPEN_SECONDS = 30.0
PORTAL_ALLOW_LOOPBACK_HTTP = DEVELOPMENT
# Tile icons may come from private/loopback addresses (a stub publisher on this machine) only in development.
PORTAL_ICONS_FROM_PRIVATE_ADDRESSES = DEVELOPMENT

# Every line carries the request id (core.request_id); unhandled errors (django.request) and
# security refusals (django.security) are logged in production too, with the request id that our
# 500 page shows, and without secrets from the path.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "klaspoort.core.request_id.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "loggers": {
        "klaspoort": {"handlers": ["console"], "level": os.environ.get("KLASPOORT_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
