from __future__ import annotations

import datetime as dt
import re

import pytest

from klaspoort.accounts import tokens
from klaspoort.accounts.models import Account, OneTimeToken

pytestmark = pytest.mark.django_db

GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def account() -> Account:
    return Account.objects.create_user("piet@school.example", kind="staff")


def test_token_is_a_36_character_guid_stored_only_as_hash(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.ACTIVATION)
    assert len(raw) == 36
    assert GUID_RE.match(raw)
    row = OneTimeToken.objects.get()
    assert row.token_hash == tokens.token_hash(raw)
    assert raw not in row.token_hash
    assert len(row.token_hash) == 64
    assert row.email == "piet@school.example"
    assert row.expires_at - row.created_at == dt.timedelta(days=14)


def test_peek_does_not_use_the_token_and_consume_is_single_use(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.ACTIVATION)
    assert tokens.peek_token(raw, tokens.ACTIVATION) == account
    assert tokens.peek_token(raw, tokens.ACTIVATION) == account
    assert tokens.consume_token(raw, tokens.ACTIVATION) == account
    assert tokens.consume_token(raw, tokens.ACTIVATION) is None
    assert tokens.peek_token(raw, tokens.ACTIVATION) is None
    assert OneTimeToken.objects.count() == 0


def test_token_only_works_for_its_purpose(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.ACTIVATION)
    assert tokens.peek_token(raw, tokens.PASSWORD_RESET) is None
    assert tokens.consume_token(raw, tokens.PASSWORD_RESET) is None
    assert OneTimeToken.objects.count() == 1


def test_new_token_replaces_the_old_one(account: Account) -> None:
    first = tokens.issue_token(account, tokens.ACTIVATION)
    second = tokens.issue_token(account, tokens.ACTIVATION)
    assert first != second
    assert tokens.peek_token(first, tokens.ACTIVATION) is None
    assert tokens.peek_token(second, tokens.ACTIVATION) == account
    assert OneTimeToken.objects.count() == 1


def test_tokens_of_other_purposes_are_kept(account: Account) -> None:
    activation = tokens.issue_token(account, tokens.ACTIVATION)
    tokens.issue_token(account, tokens.PASSWORD_RESET)
    assert tokens.peek_token(activation, tokens.ACTIVATION) == account


def test_expired_token_is_refused(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.ACTIVATION, lifetime=dt.timedelta(seconds=-1))
    assert tokens.peek_token(raw, tokens.ACTIVATION) is None
    assert tokens.consume_token(raw, tokens.ACTIVATION) is None


def test_token_is_tied_to_the_email_address(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.ACTIVATION)
    account.email = "piet.nieuw@school.example"
    account.save()
    assert tokens.peek_token(raw, tokens.ACTIVATION) is None
    assert tokens.consume_token(raw, tokens.ACTIVATION) is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "2B8925C9-B888-4B3F-B30C-6861717C8C10",
        "2b8925c9b8884b3fb30c6861717c8c10",
        "../../etc/passwd",
    ],
)
def test_malformed_tokens_are_refused_without_a_query(raw: str, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert tokens.peek_token(raw, tokens.ACTIVATION) is None


def test_batch_issue_uses_a_constant_number_of_queries(django_assert_max_num_queries) -> None:
    accounts = [Account.objects.create_user(f"t{i}@school.example", kind="staff") for i in range(20)]
    with django_assert_max_num_queries(4):
        raw = tokens.issue_tokens(accounts, tokens.ACTIVATION)
    assert len(set(raw.values())) == 20
    assert all(tokens.peek_token(raw[a.pk], tokens.ACTIVATION) == a for a in accounts)


def test_revoke(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.PASSWORD_RESET)
    tokens.revoke_tokens(account, tokens.PASSWORD_RESET)
    assert tokens.peek_token(raw, tokens.PASSWORD_RESET) is None
