from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection

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


def test_an_account_named_twice_in_a_batch_gets_one_token(account: Account) -> None:
    raw = tokens.issue_tokens([account, Account.objects.get(pk=account.pk)], tokens.ACTIVATION)
    assert list(raw) == [account.pk]
    assert list(OneTimeToken.objects.values_list("token_hash", flat=True)) == [
        tokens.token_hash(raw[account.pk])
    ]


def test_revoke(account: Account) -> None:
    raw = tokens.issue_token(account, tokens.PASSWORD_RESET)
    tokens.revoke_tokens(account, tokens.PASSWORD_RESET)
    assert tokens.peek_token(raw, tokens.PASSWORD_RESET) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("older_link", [False, True])
def test_two_links_issued_at_once_for_one_account_both_succeed_and_the_last_write_stays(
    monkeypatch: pytest.MonkeyPatch, older_link: bool
) -> None:
    """Two requests issue a link for the same account and purpose at the same moment (a double
    click on "forgot password", one parent address saved for two children). Separate connections;
    the first stops just before it writes its token, the second runs to the end meanwhile."""
    account = Account.objects.create_user("piet@school.example", kind="staff")
    if older_link:
        tokens.issue_token(account, tokens.ACTIVATION)
    paused, release = threading.Event(), threading.Event()
    real_hash = tokens.token_hash

    def pausing_hash(raw: str) -> str:
        if not paused.is_set():  # only the first issuer waits
            paused.set()
            assert release.wait(20)
        return real_hash(raw)

    monkeypatch.setattr(tokens, "token_hash", pausing_hash)
    results: dict[str, str | BaseException] = {}

    def issue(name: str) -> None:
        try:
            results[name] = tokens.issue_token(Account.objects.get(pk=account.pk), tokens.ACTIVATION)
        except BaseException as exc:  # reported below
            results[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=issue, args=("first",), daemon=True)
    first.start()
    assert paused.wait(20)
    second = threading.Thread(target=issue, args=("second",), daemon=True)
    second.start()
    second.join(10)
    finished_while_first_paused = not second.is_alive()
    release.set()
    first.join(20)
    second.join(20)

    assert all(isinstance(raw, str) for raw in results.values()), results
    assert finished_while_first_paused  # nothing held while the first was between its statements
    assert OneTimeToken.objects.filter(account=account, purpose=tokens.ACTIVATION).count() == 1
    monkeypatch.setattr(tokens, "token_hash", real_hash)
    assert tokens.peek_token(str(results["first"]), tokens.ACTIVATION) == account
    assert tokens.peek_token(str(results["second"]), tokens.ACTIVATION) is None
