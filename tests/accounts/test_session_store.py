"""The session engine: rows in AccountSession, read with one plain SELECT."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data: object) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_a_saved_session_reads_back_in_one_query() -> None:
    key = _saved(colour="blauw", count=3)
    store = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        data = dict(store.items())
    assert data == {"colour": "blauw", "count": 3}
    assert len(queries.captured_queries) == 1
    assert store.session_key == key


def test_an_expired_session_is_empty_and_loses_its_key() -> None:
    key = _saved(colour="blauw")
    AccountSession.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert dict(store.items()) == {}
    assert store.session_key is None
    assert AccountSession.objects.filter(session_key=key).count() == 1  # reading deletes nothing


def test_an_unknown_key_is_empty() -> None:
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {}
    assert store.session_key is None


def test_tampered_session_data_is_empty() -> None:
    key = _saved(colour="blauw")
    AccountSession.objects.filter(session_key=key).update(session_data="dGFtcGVyZWQ:nope")
    assert dict(SessionStore(key).items()) == {}


def test_new_keys_are_32_characters_a_valid_key_may_hold_and_never_repeat() -> None:
    keys = {_saved(n=n) for n in range(50)}
    assert len(keys) == 50
    for key in keys:
        assert len(key) == 32
        assert set(key) <= set(VALID_KEY_CHARS)
        assert SessionStore(key).get("n") is not None
