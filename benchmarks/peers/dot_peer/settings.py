"""The peer of `make bench-sso`: django-oauth-toolkit's OpenID Connect provider in a plain Django
project (authorization code + PKCE S256 → token with client_secret_basic → userinfo).

Kept as cheap as fairness allows, so the comparison does not flatter klaspoort: the application
skips the consent page (`skip_authorization`), its client secret is stored unhashed and compared
as it is (klaspoort checks an HMAC-SHA256; DOT's default would be a PBKDF2 check of ~250 ms), and
its ID tokens are HS256 (cheaper than klaspoort's ES256). Same database engine as klaspoort's
benchmark (SQLite, or DATABASE_URL) and sessions in the database.
"""

from __future__ import annotations

from pathlib import Path

from peer_settings import ALLOWED_HOSTS, MIDDLEWARE, SECRET_KEY, database

HERE = Path(__file__).resolve().parent
DEBUG = False
__all__ = ["ALLOWED_HOSTS", "MIDDLEWARE", "SECRET_KEY"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
ROOT_URLCONF = "dot_peer.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DATABASES = {"default": database(HERE)}
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name"},
    "OAUTH2_VALIDATOR_CLASS": "dot_peer.validator.ProfileValidator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
