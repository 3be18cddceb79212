from __future__ import annotations

import sqlite3
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def use_sqlite_variable_limit(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Let Django batch by SQLite's real limit of bound variables (32766 since SQLite 3.32) instead
    of the old default of 999, so bulk imports need a fixed number of queries (as Django 6 does)."""
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        connection.features.max_query_params = limit


class RosterConfig(AppConfig):
    name = "klaspoort.roster"
    label = "roster"
    verbose_name = "Roster"

    def ready(self) -> None:
        connection_created.connect(use_sqlite_variable_limit, dispatch_uid="klaspoort-sqlite-variable-limit")
