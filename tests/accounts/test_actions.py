from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache

from klaspoort.accounts import tokens
from klaspoort.accounts.actions import (
    LINK_INVALID,
    activation_link,
    do_activate,
    do_change_password,
    do_end_all_sessions,
    do_request_password_reset,
    do_reset_password,
    do_send_activation,
    do_set_password,
)
from klaspoort.accounts.errors import AccountError, PasswordRejected
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import Principal, principals_ended
from klaspoort.accounts.session_store import SessionStore
from klaspoort.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "empty_cache")]

TOKEN_IN_LINK = re.compile(r"/(?:activate|password/reset)/([0-9a-f-]{36})/")


@pytest.fixture
def inactive() -> Account:
    return Account.objects.create_user("nieuw@school.example", kind="staff")


@pytest.fixture
def active() -> Account:
    return Account.objects.create_user("actief@school.example", PASSWORD, kind="staff", is_active=True)


def _token(body: str) -> str:
    match = TOKEN_IN_LINK.search(body)
    assert match is not None
    return match.group(1)


def _session_for(account: Account, **data: object) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(account.pk)
    for key, value in data.items():
        store[key] = value
    store.create()
    assert store.session_key is not None
    return store.session_key


def test_send_activation_mails_a_working_link(inactive: Account, mailoutbox) -> None:
    do_send_activation(inactive, actor="test")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nieuw@school.example"]
    raw = _token(mailoutbox[0].body)
    assert tokens.peek_token(raw, tokens.ACTIVATION) == inactive
    assert AuditEvent.objects.filter(action="account.activation_sent").count() == 1


def test_send_activation_refuses_active_accounts(active: Account, mailoutbox) -> None:
    with pytest.raises(AccountError):
        do_send_activation(active)
    assert mailoutbox == []


def test_activate_sets_password_and_activates(inactive: Account) -> None:
    raw = _token(activation_link(inactive))
    account = do_activate(raw, "zonnebloem42")
    account.refresh_from_db()
    assert account.is_active
    assert account.check_password("zonnebloem42")
    assert (
        AuditEvent.objects.filter(action="account.activated", subject=f"account:{account.uuid}").count() == 1
    )
    with pytest.raises(AccountError, match="al gebruikt"):
        do_activate(raw, "anderwachtwoord9")


def test_activate_with_bad_password_keeps_the_token(inactive: Account) -> None:
    raw = _token(activation_link(inactive))
    with pytest.raises(PasswordRejected) as info:
        do_activate(raw, "kort1")
    assert info.value.problems == ["Je wachtwoord is te kort: gebruik minstens 8 tekens."]
    inactive.refresh_from_db()
    assert not inactive.is_active
    assert not inactive.has_usable_password()
    assert tokens.peek_token(raw, tokens.ACTIVATION) == inactive
    assert not AuditEvent.objects.filter(action="account.activated").exists()


def test_activate_with_unknown_token(inactive: Account) -> None:
    with pytest.raises(AccountError) as info:
        do_activate("2b8925c9-b888-4b3f-b30c-6861717c8c10", "zonnebloem42")
    assert str(info.value) == LINK_INVALID
    inactive.refresh_from_db()
    assert not inactive.is_active


def test_older_activation_link_stops_working(inactive: Account) -> None:
    old = _token(activation_link(inactive))
    new = _token(activation_link(inactive))
    with pytest.raises(AccountError):
        do_activate(old, "zonnebloem42")
    do_activate(new, "zonnebloem42")


def test_forgotten_password_sends_a_reset_link_once_per_quarter(active: Account, mailoutbox) -> None:
    assert do_request_password_reset("Actief@School.example", client_ip="192.0.2.1")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Een nieuw wachtwoord voor klaspoort"
    raw = _token(mailoutbox[0].body)
    assert not do_request_password_reset("actief@school.example")
    assert len(mailoutbox) == 1
    events = list(
        AuditEvent.objects.filter(action="password.reset_requested").values_list("outcome", flat=True)
    )
    assert sorted(events) == ["ok", "throttled"]
    do_reset_password(raw, "nieuwwachtwoord7")
    active.refresh_from_db()
    assert active.check_password("nieuwwachtwoord7")


def test_rate_limit_state_is_in_the_shared_cache(active: Account, mailoutbox) -> None:
    assert do_request_password_reset("actief@school.example")
    cache.clear()  # another window: the limit lives in the cache, not in this process
    assert do_request_password_reset("actief@school.example")
    assert len(mailoutbox) == 2


def test_forgotten_password_for_unknown_address_sends_nothing(mailoutbox) -> None:
    assert not do_request_password_reset("niemand@school.example")
    assert mailoutbox == []
    assert AuditEvent.objects.filter(action="password.reset_requested", outcome="unknown").count() == 1


def test_forgotten_password_of_parent_account_is_not_for_staff(mailoutbox) -> None:
    Account.objects.create_user("ouder@thuis.example", PASSWORD, kind="parent", is_active=True)
    assert not do_request_password_reset("ouder@thuis.example")
    assert mailoutbox == []


def test_forgotten_password_of_inactive_account_sends_activation(inactive: Account, mailoutbox) -> None:
    assert do_request_password_reset("nieuw@school.example")
    assert mailoutbox[0].subject == "Activeer je klaspoort-account"
    assert tokens.peek_token(_token(mailoutbox[0].body), tokens.ACTIVATION) == inactive


def test_reset_ends_every_session(active: Account) -> None:
    _session_for(active)
    _session_for(active)
    raw = tokens.issue_token(active, tokens.PASSWORD_RESET)
    do_reset_password(raw, "nieuwwachtwoord7")
    assert AccountSession.objects.filter(account=active).count() == 0


def test_change_password(active: Account) -> None:
    keep = _session_for(active)
    other = _session_for(active)
    assert (
        do_change_password(
            active, current_password=PASSWORD, new_password="nieuwwachtwoord7", keep_session_key=keep
        )
        == 1
    )
    assert list(AccountSession.objects.filter(account=active).values_list("session_key", flat=True)) == [keep]
    assert other != keep
    active.refresh_from_db()
    assert active.check_password("nieuwwachtwoord7")
    assert AuditEvent.objects.filter(action="password.changed").count() == 1


@pytest.mark.parametrize(
    ("current", "new", "error"),
    [
        ("fout12345", "nieuwwachtwoord7", "Je huidige wachtwoord klopt niet."),
        (PASSWORD, PASSWORD, "Kies een ander wachtwoord dan je huidige."),
        (PASSWORD, "actief123", "Je wachtwoord mag je e-mailnaam niet bevatten."),
    ],
)
def test_change_password_refusals_change_nothing(active: Account, current: str, new: str, error: str) -> None:
    before = active.password
    with pytest.raises(AccountError) as info:
        do_change_password(active, current_password=current, new_password=new)
    assert str(info.value) == error
    active.refresh_from_db()
    assert active.password == before
    assert not AuditEvent.objects.filter(action="password.changed").exists()


def test_end_all_sessions_tells_listeners(active: Account) -> None:
    principal = Principal(
        kind="staff", person=active.uuid, school=active.uuid, account=active.uuid, auth_time=1
    )
    with_principal = _session_for(active, kp_principal=principal.to_session())
    _session_for(active)
    bystander = Account.objects.create_user("ander@school.example", PASSWORD, kind="staff", is_active=True)
    kept = _session_for(bystander)
    received: list[dict] = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    principals_ended.connect(listener)
    try:
        assert do_end_all_sessions(active, actor="test") == 2
    finally:
        principals_ended.disconnect(listener)
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == [kept]
    assert len(received) == 1  # once, with every ended session that had a principal
    assert received[0]["ended"] == [(with_principal, principal)]
    event = AuditEvent.objects.get(action="sessions.ended")
    assert event.data == {"reason": "sign_out_everywhere", "count": 2}


def test_set_password_by_operator(inactive: Account) -> None:
    raw = tokens.issue_token(inactive, tokens.ACTIVATION)
    do_set_password(inactive, "zonnebloem42", actor="operator:x")
    inactive.refresh_from_db()
    assert inactive.is_active
    assert tokens.peek_token(raw, tokens.ACTIVATION) is None
    with pytest.raises(PasswordRejected):
        do_set_password(inactive, "x", actor="operator:x")


def test_rate_limit_holds_across_workers_with_redis(
    settings, redis_url: str, redis_cache_config: dict[str, Any], active: Account, mailoutbox
) -> None:
    import redis
    from django.core.cache import caches

    from klaspoort.accounts.actions import STAFF_RESETS

    reset_rate_key = STAFF_RESETS.rate_key

    settings.CACHES = {"default": redis_cache_config}
    assert do_request_password_reset("actief@school.example")
    other_worker = caches.create_connection("default")
    assert other_worker.get(reset_rate_key("actief@school.example")) == 1
    raw_key = other_worker.make_and_validate_key(reset_rate_key("actief@school.example"))
    with redis.Redis.from_url(redis_url) as client:
        assert 890 < client.ttl(raw_key) <= 900
    assert not do_request_password_reset("actief@school.example")
    assert len(mailoutbox) == 1
