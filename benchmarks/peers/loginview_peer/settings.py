"""The peer of `make bench-login`: a plain Django project whose login is Django's own LoginView with
ModelBackend, sessions in the database and Argon2id with klaspoort's parameters (m=19 MiB, t=2,
p=1). Same database engine as klaspoort's benchmark (SQLite, or DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

from peer_settings import ALLOWED_HOSTS, MIDDLEWARE, SECRET_KEY, database

HERE = Path(__file__).resolve().parent
DEBUG = False
__all__ = ["ALLOWED_HOSTS", "MIDDLEWARE", "SECRET_KEY"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
ROOT_URLCONF = "loginview_peer.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": database(HERE)}
PASSWORD_HASHERS = ["loginview_peer.hashers.KlaspoortArgon2"]
LOGIN_REDIRECT_URL = "/done/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
