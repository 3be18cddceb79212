"""Session engine (`SESSION_ENGINE = "klaspoort.accounts.session_store"`): Django's database
sessions in the `AccountSession` table, which indexes each session by account and school.

Changes to Django's behaviour, to save queries and CPU on the login path and on every request:
- a new key is not checked for existence first (32 random characters; a clash would fail the
  insert, and `create()` then simply picks another key);
- `cycle_key()` (called by `login()`) does not insert a row at once: the row is written once,
  with its new key, when the response is sent. Until then `session_key` is None;
- outside a transaction the row is written without BEGIN/COMMIT around it (one statement), and a
  new row with a prepared INSERT (`core.inserts`), not the ORM's save();
- a session is read with a QuerySet of the one column needed, compiled once (`core.compiled`):
  building it cost more than the query itself on every request of a signed-in person.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Any

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.principal import SESSION_KEY as PRINCIPAL_KEY
from klaspoort.core.compiled import CompiledQuery, Param, write_alias
from klaspoort.core.inserts import InsertStatement

_INSERT = InsertStatement(AccountSession)
# Django's own rule for a live session (SessionStore._get_session_from_db), compiled once.
_SESSION_DATA = CompiledQuery(
    AccountSession,
    lambda: AccountSession.objects.filter(
        session_key=Param.of(AccountSession, "session_key"),
        expire_date__gt=Param.of(AccountSession, "expire_date", "now"),
    ).values_list("session_data"),
    rows=True,
)


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def load(self) -> dict[str, Any]:
        """The session's data; {} (and no key any more) when it does not exist or has expired."""
        rows = _SESSION_DATA.fetch(session_key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])

    def _get_new_session_key(self) -> str:
        """32 characters of base32 (a-z, 2-7; 160 random bits) from one call to the system's
        random source, where Django draws each of its 32 characters separately."""
        return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()

    def cycle_key(self) -> None:
        data = self._get_session()  # type: ignore[attr-defined]
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def save(self, must_create: bool = False) -> None:
        """Like Django's, without a transaction around the single statement when none is open."""
        using = write_alias(self.model)
        if self.session_key is None or transaction.get_connection(using).in_atomic_block:
            super().save(must_create=must_create)
            return
        obj = self.create_model_instance(self._get_session(no_load=must_create))  # type: ignore[attr-defined]
        try:
            if must_create:
                _INSERT.insert(obj, using)
            else:
                obj.save(force_update=True, using=using)
        except IntegrityError as exc:
            if must_create:
                raise CreateError from exc
            raise
        except DatabaseError as exc:
            if not must_create:
                raise UpdateError from exc
            raise

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if key:
            self.model.objects.filter(session_key=key).delete()

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        obj = super().create_model_instance(data)
        assert isinstance(obj, AccountSession)
        obj.account_id = _account_id(data)
        obj.school_ref = _school_ref(data)
        return obj


def _account_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data["_auth_user_id"])
    except (KeyError, TypeError, ValueError):
        return None


def _school_ref(data: dict[str, Any]) -> uuid.UUID | None:
    principal = data.get(PRINCIPAL_KEY)
    if not isinstance(principal, dict):
        return None
    try:
        return uuid.UUID(str(principal.get("school")))
    except ValueError:
        return None
