"""Finding 12.2 for pupils: when a wait ends, guesses sent at once get one try, as one after another.

Real concurrent HTTP requests from one device (same cookies) against the live server, on the
database cache and on Redis.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import pytest

from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.audit.models import AuditEvent
from tests.accounts.pupils import roster
from tests.accounts.pupils.test_shortcut import code_url, set_code

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _failed() -> int:
    return AuditEvent.objects.filter(action="pupil.login", outcome="failed").count()


def test_parallel_guesses_after_a_wait_get_one_try(live_server: Any, cache_backend: str) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    url = code_url(room, credential)
    device = httpx.Client(base_url=live_server.url, timeout=30)
    token = TOKEN.search(device.get(url).text).group(1)  # type: ignore[union-attr]
    statuses = [
        device.post(url, data={"code": guess, "csrfmiddlewaretoken": token}).status_code
        for guess in ("1111", "2222", "3333")
    ]
    assert statuses == [200, 200, 429]  # three free mistakes on this device, then a 1 s wait
    assert device.post(url, data={"code": "4444", "csrfmiddlewaretoken": token}).status_code == 429
    assert _failed() == 3
    time.sleep(1.1)  # the wait has ended
    tabs = [httpx.Client(base_url=live_server.url, cookies=device.cookies, timeout=30) for _ in range(8)]
    barrier = threading.Barrier(len(tabs))
    statuses = []

    def guess(tab: httpx.Client, code: str) -> None:
        barrier.wait()
        statuses.append(tab.post(url, data={"code": code, "csrfmiddlewaretoken": token}).status_code)

    threads = [threading.Thread(target=guess, args=(tab, f"{5000 + n}")) for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [429] * 8  # the one checked guess was wrong and starts a 2 s wait
    assert _failed() == 4  # one guess checked, as the policy allows
    assert not AuditEvent.objects.filter(action="pupil.login", outcome="ok").exists()
    for client in (device, *tabs):
        client.close()
