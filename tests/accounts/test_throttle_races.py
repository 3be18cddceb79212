"""Finding 12.2: wrong passwords sent at once get no further than sent one after another.

Real concurrent HTTP requests against the live server, on the database cache and on Redis, with the
real Argon2 hasher (a check takes tens of milliseconds, so parallel requests truly overlap).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import httpx
import pytest

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from tests.roster import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]

EMAIL = "anna.jansen@school.example"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _fire_at_once(url: str, count: int, data: dict[str, str]) -> list[int]:
    """`count` browsers each fetch the form, then all post it at the same moment."""
    clients = [httpx.Client(base_url=url, timeout=30) for _ in range(count)]
    tokens = [TOKEN.search(client.get("/login/").text).group(1) for client in clients]  # type: ignore[union-attr]
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def post(client: httpx.Client, token: str) -> None:
        barrier.wait()
        response = client.post("/login/", data={**data, "csrfmiddlewaretoken": token})
        errors = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', response.text, re.S)
        statuses.append(response.status_code if response.status_code != 200 or not errors else errors[0])  # type: ignore[arg-type]

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return statuses


@pytest.fixture
def staff_account(db: None) -> Account:
    school: SchoolLocation = factories.school("12AB00", "De Regenboog")
    account = Account.objects.create_user(EMAIL, "zonnebloem42", kind="staff", is_active=True)
    factories.staff(school, EMAIL, account=account, las_key="anna-key")
    return account


def test_twenty_parallel_wrong_passwords_check_only_five(
    live_server: Any, staff_account: Account, cache_backend: str, settings: Any
) -> None:
    settings.LOGIN_THROTTLE = {"client_base_delay": 30}  # the first wait cannot run out meanwhile
    statuses = _fire_at_once(live_server.url, 20, {"email": EMAIL, "password": "fout12345"})
    assert len(statuses) == 20
    assert AuditEvent.objects.filter(action="login.failed").count() == 5  # as five in a row
    assert AuditEvent.objects.filter(action="login.throttled", data__reason="wait").count() == 15
    assert not AuditEvent.objects.filter(action="login.succeeded").exists()


def test_parallel_right_passwords_all_get_in_and_leave_no_count(
    live_server: Any, staff_account: Account, cache_backend: str
) -> None:
    """The honest side: a double click or a few tabs at once are not slowed by each other (up to the
    five tries a client has before the first wait: a try in flight counts until it is checked)."""
    statuses = _fire_at_once(live_server.url, 3, {"email": EMAIL, "password": "zonnebloem42"})
    assert statuses == [302] * 3
    assert AuditEvent.objects.filter(action="login.succeeded").count() == 3
    assert not AuditEvent.objects.filter(action="login.throttled").exists()
    from klaspoort.accounts import throttle

    counters = throttle._Counters.for_policy(throttle.policy())
    assert counters.per_account.peek(EMAIL).count == 0
    assert counters.per_client.peek(f"{EMAIL}|127.0.0.1").count == 0
