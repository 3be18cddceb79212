"""Brute-force policy for staff and parent login (C3): slow down and challenge, never lock out.

Three counters of failed password tries, all in the shared cache (`core/ratelimit.py`):

- per (account, client address): from the 5th failure on, the next try waits 1, 2, 4 … s, at
  most 60 s. Only the person at that address is slowed down.
- per account, from anywhere: from the 10th failure on, every try needs a solved proof-of-work
  challenge (`challenge.py`). The owner can always get in: solve it (the browser does) and give the
  right password. The challenge grows dearer while the attack goes on (`challenge_level`): twice
  the work for every 5 further failures (of the account, or accounts sprayed from the address), at
  most 2**5 = 32 times the first one (CHALLENGE_MAX_NUMBER 100,000 → 3.2 million hashes). A script
  that solved the first in 0.05 s needs about 1.6 s per try from the 35th failure on; the owner's
  browser a few seconds more, once. A first login meets no challenge at all.
- per client address, the number of *different* accounts that failed from it: from 20 on, every try
  from that address needs the challenge. This only catches spraying across many accounts; one
  person's failures never touch colleagues behind the same school address (their own account is
  a different subject everywhere).

Each login kind counts in a key space of its own (`LOGIN_KINDS`): staff (/login/) and parents
(/thuis/) are separate accounts even with the same email address, so a parent's failures never slow
down or challenge the teacher with that address, nor the other way round. The parent login's log
lines start with "home-login" and its audit events carry `login: "parent"`.

IPv6 addresses count per /64 (one household or school network). Before the password is checked,
`check_login` decides: wait, challenge needed / not solved, or go. A refused try checks no password
and counts nothing against it. After the check, `record_login` counts a failure or clears this
client's failures. Every decision is logged to `klaspoort.accounts.throttle`; refusals and the
moment a challenge becomes required are audit events.

The second step (two-factor code) is throttled per account by `check_code` / `record_code`.

Thresholds can be changed with settings.LOGIN_THROTTLE (a dict with LoginPolicy's field names).
Parallel tries: `admit_login` (what the login views call) decides and counts in one step under
the account's lock (`core.ratelimit.exclusive`): the try is counted as a failure *before* the
password is checked, and taken back when the password was right. So 20 wrong passwords sent at
once get exactly as far as 20 sent one after another. `check_login` alone only reads.
Known limit: the count of different accounts per address is read, not locked (each account has its
own lock), so a spray sent in parallel over many accounts reaches its challenge a few tries late.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
import uuid
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klaspoort.accounts import challenge, client_address
from klaspoort.accounts.login import LoginResult, authenticate_staff, email_subject
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.audit.events import record_event
from klaspoort.core.ratelimit import (
    Busy,
    DistinctCounter,
    Limiter,
    Rule,
    State,
    count_first,
    counts_first,
    exclusive,
    peek_many,
)

logger = logging.getLogger("klaspoort.accounts.throttle")

Decision = Literal["allow", "wait", "challenge"]
LoginKind = Literal["staff", "parent", "operator"]

# Counter namespace per login kind (the staff names are those from before parents had a login).
LOGIN_KINDS: dict[LoginKind, str] = {"staff": "login", "parent": "home-login", "operator": "operator-login"}


@dataclass(frozen=True)
class LoginPolicy:
    client_delay_after: int = 5
    client_base_delay: float = 1.0
    client_max_delay: float = 60.0
    client_window: int = 15 * 60
    account_challenge_after: int = 10
    account_window: int = 60 * 60
    address_spray_accounts: int = 20
    address_window: int = 60 * 60
    code_delay_after: int = 3
    code_base_delay: float = 2.0
    code_max_delay: float = 120.0
    code_window: int = 15 * 60
    challenge_step: int = 5  # failures beyond the threshold per doubling of the challenge's cost
    challenge_max_level: int = 5  # at most 2**5 times the first challenge's cost


def policy() -> LoginPolicy:
    return replace(LoginPolicy(), **getattr(settings, "LOGIN_THROTTLE", {}))


def network_of(client_ip: str) -> str:
    """The address a client is counted by: IPv4 as is, IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class _Counters:
    per_client: Limiter
    per_account: Limiter
    per_address: DistinctCounter

    @classmethod
    def for_policy(cls, rules: LoginPolicy, kind: LoginKind = "staff") -> _Counters:
        return _counters_for_policy(rules, kind)


@lru_cache(maxsize=32)
def _counters_for_policy(rules: LoginPolicy, kind: LoginKind) -> _Counters:
    """The counters of a policy and login kind, made once per process (they hold no state)."""
    space = LOGIN_KINDS[kind]
    return _Counters(
        per_client=Limiter(
            Rule(
                f"{space}:account-client",
                window=rules.client_window,
                delay_after=rules.client_delay_after,
                base_delay=rules.client_base_delay,
                max_delay=rules.client_max_delay,
            )
        ),
        per_account=Limiter(Rule(f"{space}:account", window=rules.account_window)),
        per_address=DistinctCounter(f"{space}:address-accounts", window=rules.address_window),
    )


@dataclass(frozen=True)
class Gate:
    """The throttle's answer for one login try, before any password is checked."""

    email: str
    network: str
    decision: Decision
    wait_seconds: int = 0
    challenge_outcome: challenge.Outcome | None = None  # set when a challenge was checked
    client_failures: int = 0
    challenge_required: bool = False
    client_ip: str = field(default="", compare=False)
    kind: LoginKind = "staff"
    challenge_level: int = 0  # the cost of a challenge for the next try (challenge_level())
    # set by `admit_login`: the (per client, per account) counts with this try counted ahead
    counted: tuple[State, State] | None = field(default=None, compare=False)

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @property
    def message(self) -> str:
        if self.decision == "wait":
            return ngettext(
                "Te veel mislukte pogingen. Wacht %(seconds)d seconde en probeer het dan opnieuw.",
                "Te veel mislukte pogingen. Wacht %(seconds)d seconden en probeer het dan opnieuw.",
                self.wait_seconds,
            ) % {"seconds": self.wait_seconds}
        if self.challenge_outcome in ("expired", "used", "weak"):
            return _("De veiligheidscontrole is verlopen. Wacht tot je browser een nieuwe heeft gedaan.")
        if self.challenge_outcome in ("malformed", "invalid"):
            return _("De veiligheidscontrole klopt niet. Wacht tot je browser een nieuwe heeft gedaan.")
        if self.decision == "challenge":
            return _(
                "Voor de veiligheid doet je browser eerst een korte controle. Wacht tot die klaar is "
                "en log dan opnieuw in."
            )
        return ""


def _subjects(email: str, network: str) -> tuple[str, str]:
    return f"{email}|{network}", email


def _challenge_required(rules: LoginPolicy, account: State, address: State) -> bool:
    return account.count >= rules.account_challenge_after or address.count >= rules.address_spray_accounts


def challenge_level(rules: LoginPolicy, account_failures: int, address_accounts: int) -> int:
    """How dear the challenge is (`challenge.new_challenge(level=…)`): 0 when it is first required,
    one more for every `challenge_step` failures beyond that, at most `challenge_max_level`."""
    beyond = max(
        account_failures - rules.account_challenge_after, address_accounts - rules.address_spray_accounts
    )
    return min(max(beyond, 0) // rules.challenge_step, rules.challenge_max_level)


def _log(gate: Gate, verdict: str, details: str = "") -> None:
    """One line per decision: refusals from `check_login`, allowed tries with their result from
    `record_login`. Addresses are keyed hashes (as in the audit trail), never the typed email."""
    logger.info(
        "%s %s subject=%s network=%s client_failures=%d wait=%d challenge=%s%s",
        LOGIN_KINDS[gate.kind],
        verdict,
        email_subject(gate.email),
        gate.network,
        gate.client_failures,
        gate.wait_seconds,
        gate.challenge_outcome or "-",
        details,
    )


def _refuse(gate: Gate) -> Gate:
    _log(gate, "refused")
    record_event(
        "login.throttled",
        outcome="denied",
        subject=email_subject(gate.email),
        client_ip=gate.client_ip or None,
        reason=gate.decision,
        wait_seconds=gate.wait_seconds,
        challenge=gate.challenge_outcome or "",
        **_kind_data(gate.kind),
    )
    return gate


def _kind_data(kind: LoginKind) -> dict[str, Any]:
    """Audit data naming the login, for every kind but staff (whose events predate the others)."""
    return {} if kind == "staff" else {"login": kind}


def _counters_for(email: str, client_ip: str, kind: LoginKind) -> tuple[LoginPolicy, _Counters, Gate]:
    rules = policy()
    email = normalise_email(email)
    gate = Gate(email=email, network=network_of(client_ip), decision="allow", client_ip=client_ip, kind=kind)
    return rules, _Counters.for_policy(rules, kind), gate


def _read(counters: _Counters, gate: Gate) -> tuple[State, State, State]:
    """The (per client, per account, per address) counters of `gate`'s try: one cache round trip."""
    per_client_subject, account_subject = _subjects(gate.email, gate.network)
    client, account, address = peek_many(
        (counters.per_client, per_client_subject),
        (counters.per_account, account_subject),
        (counters.per_address, gate.network),
    )
    return client, account, address


def _decide(
    rules: LoginPolicy,
    gate: Gate,
    states: tuple[State, State, State],
    solution: str | None,
    now: float | None,
    *,
    verify: bool = True,
) -> Gate:
    """Decide on the counters as read; a required challenge is verified (with `verify`; without,
    a gate that needs one is returned undecided, as "challenge")."""
    client, account, address = states
    required = _challenge_required(rules, account, address)
    level = challenge_level(rules, account.count, address.count)
    gate = replace(gate, client_failures=client.count, challenge_required=required, challenge_level=level)
    wait = client.wait(time.time() if now is None else now)
    if wait > 0:
        return _refuse(replace(gate, decision="wait", wait_seconds=math.ceil(wait)))
    if required:
        if not verify:
            return replace(gate, decision="challenge")
        # One level of slack: the counts may have grown (by the attacker's own tries) since the
        # challenge was handed out; it must still have cost at least half the current price.
        outcome = challenge.verify_solution(solution, min_level=level - 1).outcome
        gate = replace(gate, challenge_outcome=outcome)
        if outcome != "ok":
            return _refuse(replace(gate, decision="challenge"))
    return gate


def check_login(
    email: str, client_ip: str, *, solution: str | None, kind: LoginKind = "staff", now: float | None = None
) -> Gate:
    """May this try go ahead? One cache read, nothing counted; a required challenge answer is
    verified (and used up). The login views use `admit_login`, which also counts."""
    rules, counters, gate = _counters_for(email, client_ip, kind)
    return _decide(rules, gate, _read(counters, gate), solution, now)


def admit_login(
    email: str, client_ip: str, *, solution: str | None, kind: LoginKind = "staff", now: float | None = None
) -> Gate:
    """`check_login` and, when the try may go ahead, count it as a failure: both in one step under
    the account's lock, so parallel tries take their turn. `record_login` takes the count back when
    the password was right.

    On the database cache the counters are read first: a wait in force is refused as read, without
    the lock, and the common case, a try without earlier failures of this client and account and
    without a challenge, is counted by one statement that takes its turn with that lock
    (`count_first`). On Redis: read, decide and count under the lock, as always."""
    rules, counters, gate = _counters_for(email, client_ip, kind)
    per_client_subject, account_subject = _subjects(gate.email, gate.network)
    lock = (LOGIN_KINDS[kind], account_subject)
    if counts_first(counters.per_account.cache):
        states = _read(counters, gate)
        first = _decide(rules, gate, states, solution, now, verify=False)
        if first.decision == "wait":
            return first
        if first.allowed and states[0].count == 0 and states[1].count == 0:
            counted = count_first(
                lock, [(counters.per_client, per_client_subject), (counters.per_account, account_subject)]
            )
            if counted is not None:
                return replace(first, counted=(counted[0], counted[1]))
    try:
        with exclusive(counters.per_account.cache, *lock):
            gate = _decide(rules, gate, _read(counters, gate), solution, now)
            if not gate.allowed:
                return gate
            counted = (counters.per_client.hit(per_client_subject), counters.per_account.hit(account_subject))
    except Busy:
        return _refuse(replace(gate, decision="wait", wait_seconds=1))
    return replace(gate, counted=counted)


def record_login(gate: Gate, *, password_ok: bool) -> bool:
    """Count the result of an allowed try. Returns whether the next try needs the challenge."""
    rules = policy()
    counters = _Counters.for_policy(rules, gate.kind)
    per_client_subject, account_subject = _subjects(gate.email, gate.network)
    if password_ok:
        if gate.counted and gate.counted[1].count == 1:  # this try was the account's only one
            counters.per_client.cache.delete_many(
                counters.per_client.read_keys(per_client_subject)
                + counters.per_account.read_keys(account_subject)
            )
        elif gate.counted:
            counters.per_client.reset(per_client_subject)
            counters.per_account.release(account_subject)
        elif gate.client_failures:
            counters.per_client.reset(per_client_subject)
        _log(gate, "allowed", " result=passed")
        return False
    if gate.counted:
        client, account = gate.counted
    else:
        client = counters.per_client.hit(per_client_subject)
        account = counters.per_account.hit(account_subject)
    accounts_from_address = counters.per_address.add(gate.network, gate.email)
    _log(
        gate,
        "allowed",
        f" result=failed now client_failures={client.count} account_failures={account.count} "
        f"address_accounts={accounts_from_address} next_wait={client.wait(time.time()):.0f}",
    )
    for counter, reached, threshold in (
        ("account", account.count, rules.account_challenge_after),
        ("address", accounts_from_address, rules.address_spray_accounts),
    ):
        if reached == threshold:
            record_event(
                "login.challenge_required",
                outcome="warned",
                subject=email_subject(gate.email) if counter == "account" else f"network:{gate.network}",
                client_ip=gate.client_ip or None,
                counter=counter,
                failures=reached,
                **_kind_data(gate.kind),
            )
    return _challenge_required(rules, account, State(accounts_from_address))


def next_challenge(gate: Gate) -> dict[str, Any]:
    """A fresh challenge for the form after `gate`'s try, at the price its counts ask."""
    return challenge.new_challenge(level=gate.challenge_level)


def challenge_needed(email: str | None, client_ip: str, *, kind: LoginKind = "staff") -> bool:
    """Whether the login form should carry a challenge for this (possibly unknown) account."""
    rules = policy()
    counters = _Counters.for_policy(rules, kind)
    network = network_of(client_ip)
    if not email:
        return counters.per_address.peek(network) >= rules.address_spray_accounts
    account, address = peek_many(
        (counters.per_account, normalise_email(email)), (counters.per_address, network)
    )
    return _challenge_required(rules, account, address)


@dataclass(frozen=True)
class GuardedLogin:
    """A staff login try behind the throttle.

    result    LoginResult of `authenticate_staff`; None when the try was refused before any check
    message   why it was refused (wait / challenge), "" otherwise
    challenge a fresh challenge for the form when the next try needs one, else None
    """

    result: LoginResult | None
    message: str = ""
    challenge: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok


def guarded_authenticate(
    request: HttpRequest, email: str, password: str, solution: str | None
) -> GuardedLogin:
    """`authenticate_staff` behind the throttle: the password is only checked when the gate allows."""
    gate = admit_login(email, client_address.client_ip(request), solution=solution)
    if not gate.allowed:
        return GuardedLogin(None, gate.message, next_challenge(gate) if gate.challenge_required else None)
    result = authenticate_staff(request, email, password)
    needs_challenge = record_login(gate, password_ok=result.outcome != "invalid")
    return GuardedLogin(result, challenge=next_challenge(gate) if needs_challenge else None)


@dataclass(frozen=True)
class PasswordCheck:
    """The password of a signed-in account checked again behind the login throttle (takeover page,
    password change). ok: the password was right; message: why the throttle refused ("" otherwise,
    also for a plain wrong password); challenge: a fresh challenge when the next try needs one."""

    ok: bool
    message: str = ""
    challenge: dict[str, Any] | None = None

    @property
    def refused(self) -> bool:
        return bool(self.message)


def check_account_password(
    account: Account, password: str, *, client_ip: str, solution: str | None, failure_event: str
) -> PasswordCheck:
    """The same throttle and challenge as the login of the account's kind, with the same counters:
    a try here counts as a login try (per account and client, never a lockout). A refused or wrong
    try is audited as `failure_event` with reason "throttled" or "password"."""
    kinds: dict[str, LoginKind] = {Account.Kind.PARENT: "parent", Account.Kind.OPERATOR: "operator"}
    kind = kinds.get(account.kind, "staff")
    gate = admit_login(account.email, client_ip, solution=solution, kind=kind)
    if gate.allowed:
        ok = account.check_password(password)
        needs_challenge = record_login(gate, password_ok=ok)
        check = PasswordCheck(ok, challenge=next_challenge(gate) if needs_challenge else None)
    else:
        fresh = next_challenge(gate) if gate.challenge_required else None
        check = PasswordCheck(False, gate.message, fresh)
    if not check.ok:
        record_event(
            failure_event,
            outcome="denied",
            subject=f"account:{account.uuid}",
            client_ip=client_ip or None,
            reason="throttled" if check.refused else "password",
        )
    return check


# --- second step: the two-factor code, throttled per account (whoever knows the password) ---


def _code_limiter(rules: LoginPolicy) -> Limiter:
    return Limiter(
        Rule(
            "login:code",
            window=rules.code_window,
            delay_after=rules.code_delay_after,
            base_delay=rules.code_base_delay,
            max_delay=rules.code_max_delay,
        )
    )


def check_code(account: uuid.UUID, *, now: float | None = None) -> int:
    """Seconds to wait before the next code may be tried (0: go ahead)."""
    state = _code_limiter(policy()).peek(str(account))
    wait = math.ceil(state.wait(time.time() if now is None else now))
    logger.info(
        "code %s account=%s failures=%d wait=%d", "refused" if wait else "allowed", account, state.count, wait
    )
    if wait:
        record_event(
            "login.code_throttled", outcome="denied", subject=f"account:{account}", wait_seconds=wait
        )
    return wait


def record_code(account: uuid.UUID, *, ok: bool) -> None:
    limiter = _code_limiter(policy())
    if ok:
        limiter.reset(str(account))
        logger.info("code passed account=%s", account)
        return
    state = limiter.hit(str(account))
    logger.info("code failure counted account=%s failures=%d", account, state.count)
