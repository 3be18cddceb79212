"""Login throttling policy: delays per (account, client), challenge per account and against spraying,
never a lockout, never one person's failures affecting colleagues behind the same address."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from klaspoort.accounts import throttle
from klaspoort.accounts.challenge import new_challenge
from klaspoort.accounts.login import email_subject
from klaspoort.accounts.throttle import (
    Gate,
    LoginKind,
    challenge_level,
    challenge_needed,
    check_login,
    network_of,
    next_challenge,
    record_login,
)
from klaspoort.audit.models import AuditEvent
from tests.accounts.test_challenge import solve

pytestmark = pytest.mark.django_db

A = "anna@school.example"
B = "bert@school.example"
SCHOOL_NAT = "10.0.0.1"


def fail(email: str, client_ip: str, times: int = 1, kind: LoginKind = "staff") -> bool:
    """Count failed password tries as if each had been allowed (the attacker's view)."""
    needed = False
    for _ in range(times):
        needed = record_login(
            Gate(email=email, network=network_of(client_ip), decision="allow", kind=kind), password_ok=False
        )
    return needed


def later(seconds: float) -> float:
    return time.time() + seconds


def solved() -> str:
    return solve(new_challenge(max_number=300))


def test_fresh_account_is_allowed_with_one_cache_read(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        gate = check_login(A, SCHOOL_NAT, solution=None)
    assert (gate.allowed, gate.decision, gate.wait_seconds, gate.challenge_outcome) == (
        True,
        "allow",
        0,
        None,
    )
    assert gate.message == ""


def test_delays_start_after_five_failures_and_grow(cache_backend: str) -> None:
    fail(A, SCHOOL_NAT, 4)
    assert check_login(A, SCHOOL_NAT, solution=None).allowed
    for failures, wait in [(5, 1), (6, 2), (7, 4), (8, 8)]:
        fail(A, SCHOOL_NAT)
        gate = check_login(A, SCHOOL_NAT, solution=None)
        assert (gate.decision, gate.wait_seconds, gate.client_failures) == ("wait", wait, failures)
        assert check_login(A, SCHOOL_NAT, solution=None, now=later(wait)).allowed


def test_delay_is_capped(settings: Any, cache_backend: str) -> None:
    settings.LOGIN_THROTTLE = {"client_max_delay": 3, "account_challenge_after": 1000}
    fail(A, SCHOOL_NAT, 30)
    assert check_login(A, SCHOOL_NAT, solution=None).wait_seconds == 3
    assert check_login(A, SCHOOL_NAT, solution=None, now=later(3)).allowed


def test_wait_message_is_plain_dutch() -> None:
    fail(A, SCHOOL_NAT, 6)
    gate = check_login(A, SCHOOL_NAT, solution=None)
    assert gate.message == "Te veel mislukte pogingen. Wacht 2 seconden en probeer het dan opnieuw."


def test_refused_try_counts_nothing_and_is_audited() -> None:
    fail(A, SCHOOL_NAT, 5)
    before = throttle._Counters.for_policy(throttle.policy()).per_client.peek(f"{A}|{SCHOOL_NAT}")
    gate = check_login(A, SCHOOL_NAT, solution=None)
    assert gate.decision == "wait"
    after = throttle._Counters.for_policy(throttle.policy()).per_client.peek(f"{A}|{SCHOOL_NAT}")
    assert after == before
    event = AuditEvent.objects.get(action="login.throttled")
    assert (event.outcome, event.subject, event.client_ip) == ("denied", email_subject(A), SCHOOL_NAT)
    assert event.data == {"reason": "wait", "wait_seconds": 1, "challenge": ""}
    assert not AuditEvent.objects.filter(action="login.failed").exists()


def test_delays_are_per_client_not_per_account(cache_backend: str) -> None:
    fail(A, "10.0.0.1", 8)
    assert check_login(A, "10.0.0.1", solution=None).decision == "wait"
    assert check_login(A, "10.0.0.2", solution=None).allowed


def test_success_clears_this_clients_failures(cache_backend: str) -> None:
    fail(A, SCHOOL_NAT, 4)
    gate = check_login(A, SCHOOL_NAT, solution=None)
    assert gate.client_failures == 4
    assert record_login(gate, password_ok=True) is False
    assert check_login(A, SCHOOL_NAT, solution=None).client_failures == 0
    fail(A, SCHOOL_NAT)
    assert check_login(A, SCHOOL_NAT, solution=None).allowed


def test_shared_school_address_one_persons_failures_do_not_touch_a_colleague(cache_backend: str) -> None:
    """50 failures on account A from 10.0.0.1 do not affect account B from 10.0.0.1 at all."""
    fail(A, SCHOOL_NAT, 50)
    assert check_login(A, SCHOOL_NAT, solution=None).decision == "wait"
    gate = check_login(B, SCHOOL_NAT, solution=None)
    assert (gate.decision, gate.wait_seconds, gate.client_failures, gate.challenge_outcome) == (
        "allow",
        0,
        0,
        None,
    )
    assert challenge_needed(B, SCHOOL_NAT) is False
    assert challenge_needed(None, SCHOOL_NAT) is False


def test_many_failures_on_one_account_from_anywhere_require_the_challenge(cache_backend: str) -> None:
    for n in range(9):
        assert fail(A, f"192.0.2.{n}") is False
    assert challenge_needed(A, "198.51.100.7") is False
    assert fail(A, "192.0.2.9") is True  # the 10th failure
    assert challenge_needed(A, "198.51.100.7") is True
    assert challenge_needed(B, "198.51.100.7") is False

    missing = check_login(A, "198.51.100.7", solution=None)
    assert (missing.decision, missing.challenge_outcome) == ("challenge", "missing")
    assert missing.message.startswith("Voor de veiligheid doet je browser eerst een korte controle.")
    assert check_login(A, "198.51.100.7", solution="bm9uc2Vuc2U=").challenge_outcome == "malformed"

    # The owner can always get in: solve the challenge and give the right password.
    answer = solved()
    gate = check_login(A, "198.51.100.7", solution=answer)
    assert (gate.decision, gate.challenge_outcome) == ("allow", "ok")
    assert record_login(gate, password_ok=True) is False
    reused = check_login(A, "198.51.100.7", solution=answer)
    assert (reused.decision, reused.challenge_outcome) == ("challenge", "used")
    assert (
        reused.message == "De veiligheidscontrole is verlopen. Wacht tot je browser een nieuwe heeft gedaan."
    )


def test_challenge_required_is_audited_once() -> None:
    fail(A, "192.0.2.1", 12)
    events = AuditEvent.objects.filter(action="login.challenge_required")
    assert [(e.subject, e.data) for e in events] == [
        (email_subject(A), {"counter": "account", "failures": 10})
    ]


def test_spraying_many_accounts_from_one_address_requires_the_challenge_there(cache_backend: str) -> None:
    sprayer = "203.0.113.66"
    for n in range(19):
        fail(f"user{n}@school.example", sprayer)
    assert challenge_needed(None, sprayer) is False
    assert fail("user19@school.example", sprayer) is True
    assert challenge_needed(None, sprayer) is True
    assert check_login("new@school.example", sprayer, solution=None).decision == "challenge"
    assert check_login("new@school.example", sprayer, solution=solved()).allowed
    assert check_login("new@school.example", "203.0.113.67", solution=None).allowed


def test_repeating_one_account_never_counts_as_spraying() -> None:
    fail(A, SCHOOL_NAT, 100)
    assert throttle._Counters.for_policy(throttle.policy()).per_address.peek(SCHOOL_NAT) == 1


@pytest.mark.parametrize(("failing", "other"), [("parent", "staff"), ("staff", "parent")])
def test_each_login_kind_counts_on_its_own(cache_backend: str, failing: LoginKind, other: LoginKind) -> None:
    """A parent's and a teacher's account may share an address: failures at one login never slow
    down or challenge the other, not even from the same client."""
    assert fail(A, SCHOOL_NAT, 12, kind=failing) is True
    gate = check_login(A, SCHOOL_NAT, solution=None, kind=failing)
    assert (gate.decision, gate.client_failures, gate.challenge_required) == ("wait", 12, True)
    assert challenge_needed(A, "198.51.100.7", kind=failing) is True

    gate = check_login(A, SCHOOL_NAT, solution=None, kind=other)
    assert (gate.decision, gate.client_failures, gate.challenge_required, gate.kind) == (
        "allow",
        0,
        False,
        other,
    )
    assert challenge_needed(A, "198.51.100.7", kind=other) is False
    assert record_login(gate, password_ok=False) is False  # counted for `other` only: its first failure
    assert check_login(A, SCHOOL_NAT, solution=None, kind=other).client_failures == 1
    assert check_login(A, SCHOOL_NAT, solution=None, kind=failing).client_failures == 12


@pytest.mark.parametrize(("failing", "other"), [("parent", "staff"), ("staff", "parent")])
def test_spraying_one_login_kind_does_not_challenge_the_other(
    cache_backend: str, failing: LoginKind, other: LoginKind
) -> None:
    sprayer = "203.0.113.66"
    for n in range(20):
        fail(f"user{n}@school.example", sprayer, kind=failing)
    assert challenge_needed(None, sprayer, kind=failing) is True
    assert challenge_needed(None, sprayer, kind=other) is False
    assert check_login("new@school.example", sprayer, solution=None, kind=other).allowed


def test_parent_refusals_are_logged_and_audited_as_the_parent_login(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="klaspoort.accounts.throttle")
    fail(A, SCHOOL_NAT, 10, kind="parent")
    gate = check_login(A, SCHOOL_NAT, solution=None, kind="parent")
    assert gate.decision == "wait"
    messages = [r.getMessage() for r in caplog.records if r.name == "klaspoort.accounts.throttle"]
    assert messages[-1] == (
        f"home-login refused subject={email_subject(A)} network={SCHOOL_NAT} client_failures=10 wait=32 challenge=-"
    )
    throttled = AuditEvent.objects.get(action="login.throttled")
    assert throttled.data == {"reason": "wait", "wait_seconds": 32, "challenge": "", "login": "parent"}
    required = AuditEvent.objects.get(action="login.challenge_required")
    assert required.data == {"counter": "account", "failures": 10, "login": "parent"}


def test_ipv6_clients_count_per_64() -> None:
    assert network_of("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert network_of("192.0.2.5") == "192.0.2.5"
    assert network_of("") == "unknown"
    fail(A, "2001:db8:1:2::1", 6)
    assert check_login(A, "2001:db8:1:2::ffff", solution=None).decision == "wait"
    assert check_login(A, "2001:db8:1:3::1", solution=None).allowed


def test_every_decision_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="klaspoort.accounts.throttle")
    record_login(check_login(A, SCHOOL_NAT, solution=None), password_ok=False)
    fail(A, SCHOOL_NAT, 4)
    check_login(A, SCHOOL_NAT, solution=None)
    record_login(check_login(A, SCHOOL_NAT, solution=None, now=later(60)), password_ok=True)
    messages = [r.getMessage() for r in caplog.records if r.name == "klaspoort.accounts.throttle"]
    subject = email_subject(A)
    assert len(messages) == 7
    assert messages[0] == (
        f"login allowed subject={subject} network={SCHOOL_NAT} client_failures=0 wait=0 challenge=- "
        "result=failed now client_failures=1 account_failures=1 address_accounts=1 next_wait=0"
    )
    assert (
        messages[5]
        == f"login refused subject={subject} network={SCHOOL_NAT} client_failures=5 wait=1 challenge=-"
    )
    assert messages[6] == (
        f"login allowed subject={subject} network={SCHOOL_NAT} client_failures=5 wait=0 challenge=- result=passed"
    )
    assert A not in "\n".join(messages)


def test_code_step_is_throttled_per_account(cache_backend: str) -> None:
    account = uuid.uuid4()
    assert throttle.check_code(account) == 0
    for _ in range(2):
        throttle.record_code(account, ok=False)
    assert throttle.check_code(account) == 0
    throttle.record_code(account, ok=False)
    assert throttle.check_code(account) == 2
    throttle.record_code(account, ok=False)
    assert throttle.check_code(account) == 4
    assert throttle.check_code(account, now=later(4)) == 0
    assert throttle.check_code(uuid.uuid4()) == 0
    throttle.record_code(account, ok=True)
    assert throttle.check_code(account) == 0


CHILD = """
import django
django.setup()
from klaspoort.accounts.throttle import Gate, network_of, record_login
for _ in range(6):
    record_login(Gate(email={email!r}, network=network_of({ip!r}), decision="allow"), password_ok=False)
"""


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_state_holds_across_worker_processes(cache_backend: str) -> None:
    """Failures counted by another process (another gunicorn worker) slow down this one."""
    email = f"{uuid.uuid4().hex}@school.example"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klaspoort.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "",
    }
    if cache_backend == "redis":
        cache = settings.CACHES["default"]
        env.update(REDIS_URL=cache["LOCATION"], KLASPOORT_CACHE_PREFIX=cache["KEY_PREFIX"])
    started = time.time()
    subprocess.run(
        [sys.executable, "-c", CHILD.format(email=email, ip=SCHOOL_NAT)], env=env, check=True, timeout=60
    )
    # Judged as of the moment the other worker started, so a slow machine cannot let the wait run out.
    gate = check_login(email, SCHOOL_NAT, solution=None, now=started)
    assert gate.client_failures == 6
    assert gate.decision == "wait"
    assert gate.wait_seconds >= 2


def test_the_challenge_grows_dearer_while_an_attack_goes_on(cache_backend: str) -> None:
    """Finding 9 of issue 12: twice the work per 5 failures beyond the threshold, at most 32 times;
    a cheap challenge is refused ("weak") and counts nothing; a first login meets no challenge."""
    rules = throttle.policy()
    assert [challenge_level(rules, n, 0) for n in (0, 9, 10, 14, 15, 20, 35, 100)] == [0, 0, 0, 0, 1, 2, 5, 5]
    assert [challenge_level(rules, 0, n) for n in (19, 20, 25, 45, 100)] == [0, 0, 1, 5, 5]
    first = check_login(A, "198.51.100.7", solution=None)
    assert (first.allowed, first.challenge_required, first.challenge_level) == (True, False, 0)

    fail(A, "192.0.2.1", times=25)  # 15 beyond the threshold: level 3
    counters = throttle._Counters.for_policy(rules)
    before = counters.per_account.peek(A)
    cheap = check_login(A, "198.51.100.7", solution=solved())
    assert (cheap.decision, cheap.challenge_outcome, cheap.challenge_level) == ("challenge", "weak", 3)
    assert (
        cheap.message == "De veiligheidscontrole is verlopen. Wacht tot je browser een nieuwe heeft gedaan."
    )
    assert counters.per_account.peek(A) == before  # the refusal counted nothing
    assert next_challenge(cheap)["maxNumber"] == settings.CHALLENGE_MAX_NUMBER * 8
    # one level of slack (the attacker's own tries may have raised the price since it was handed out)
    slack = check_login(A, "198.51.100.7", solution=solve(new_challenge(max_number=300, level=2)))
    assert (slack.decision, slack.challenge_outcome) == ("allow", "ok")
    fail(A, "192.0.2.1", times=100)
    dearest = check_login(A, "198.51.100.7", solution=None)
    assert next_challenge(dearest)["maxNumber"] == settings.CHALLENGE_MAX_NUMBER * 32
