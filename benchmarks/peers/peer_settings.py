"""What the peers' projects share: the middleware of a plain Django site, and klaspoort's own
database settings (settings.py), so that both sides of a comparison run on the same engine with
the same options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def database(folder: Path) -> dict[str, Any]:
    found = dict(
        dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'peer.sqlite3'}", conn_max_age=60
        )
    )
    if found["ENGINE"] == "django.db.backends.sqlite3":
        found["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # A file the server process opens too, under the project's var/ (ignored by git, with its
        # -wal and -shm files, which Django's destroy_test_db leaves behind).
        var = Path(__file__).resolve().parents[2] / "var"
        var.mkdir(exist_ok=True)
        found["TEST"] = {"NAME": str(var / f"test-peer-{folder.name}-{os.getpid()}.sqlite3")}
    return found
